package dynamo

import (
	"fmt"
	"hash/fnv"
	"time"

	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/platform"
)

// Key layout (docs/data-model.md). Every partition key starts with the contest.
func contestPK(c string) string           { return "C#" + c }
func memberPK(c, email string) string     { return "C#" + c + "#M#" + email }
func paperPK(c, round, pid string) string { return "C#" + c + "#R#" + round + "#P#" + pid }
func paperSK(attempt int) string          { return fmt.Sprintf("PAPER#%02d", attempt) }
func rankingPK(c, round string, shard int) string {
	return fmt.Sprintf("C#%s#R#%s#S#%02d", c, round, shard)
}
func inProgressPK(c, round string, shard int) string {
	return fmt.Sprintf("C#%s#R#%s#OPEN#%02d", c, round, shard)
}
func unitPK(c, round, unit string) string { return "C#" + c + "#R#" + round + "#U#" + unit }
func rosterPK(c, unit string) string      { return "C#" + c + "#ROSTER#" + unit }

const (
	skContest = "CONTEST"
	skMember  = "MEMBER"
	skCode    = "CODE"
	preRound  = "ROUND#"
	preUnit   = "UNIT#"
	prePaper  = "PAPER#"
)

// RankingShard spreads a round's papers over platform.RankingShards index
// partitions by participant.
func RankingShard(participantID string) int {
	return shardOf(participantID, platform.RankingShards)
}

// InProgressShard spreads a round's open papers over
// platform.InProgressShards index partitions by participant.
func InProgressShard(participantID string) int {
	return shardOf(participantID, platform.InProgressShards)
}

func shardOf(participantID string, shards int) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(participantID))
	return int(h.Sum32() % uint32(shards))
}

// InProgressSortKey orders a shard's open papers by deadline: Unix
// milliseconds on 13 digits, so that the string order is the time order
// (until the year 2286).
func InProgressSortKey(deadline time.Time) string {
	return fmt.Sprintf("%013d", deadline.UnixMilli())
}

// Partitions of the contests' other entities.

// The clip contest lives in one partition per contest (docs/clips.md): a
// contest has at most a few clips per unit, so one partition holds them all,
// lists them in one query and is never hot.
//
//	C#<c>#CLIPS  CLIP#<clipId>             the clip (upload, status, verdict)
//	C#<c>#CLIPS  QUOTA#<unit>              the unit's live clips (string set)
//	C#<c>#CLIPS  SCORE#<clipId>#<juror>    one juror's scores of one clip
func clipsPK(c string) string { return "C#" + c + "#CLIPS" }

func limitPK(contestID, bucket, key string) string {
	return "C#" + contestID + "#LIMIT#" + bucket + "#" + key
}

// Practice counts: one item per question and day, added to (no read, no
// person): PK "C#<contest>#PRACTICE#<day>", SK "Q#<bank>#<question>".
func practicePK(c, day string) string { return "C#" + c + "#PRACTICE#" + day }

func staffPK(c string) string { return "C#" + c + "#STAFF" }

func reminderPK(c, round, slot string) string { return "C#" + c + "#R#" + round + "#REMIND#" + slot }

func unitVersionPK(c, v string) string { return "C#" + c + "#UV#" + v }

func rosterVersionPK(c, v string, shard int) string {
	return fmt.Sprintf("C#%s#RV#%s#%02d", c, v, shard)
}

func rosterVersionUnitPK(c, v, unit string) string { return "C#" + c + "#RV#" + v + "#U#" + unit }

func auditPK(c string) string { return "C#" + c + "#AUDIT" }

// registryPK is the contests' registry's one partition (registry.go).
const registryPK = "CONTESTS"

// tallyClaimPK is the partition of a round's scheduled tally's claim.
func tallyClaimPK(c, round string) string { return "C#" + c + "#R#" + round + "#TALLY" }

// OutboxPK is the partition of a contest's outbox for e-mails of kind k:
// sign-in codes and reminders apart, so that a run's reminders never make a
// hot partition of the codes' (nor the reverse).
func OutboxPK(contestID string, k mailq.Kind) string {
	if k == mailq.KindReminder {
		return platform.OutboxPrefix + contestID + "#R"
	}
	return platform.OutboxPrefix + contestID
}
