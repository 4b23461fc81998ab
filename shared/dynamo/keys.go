package dynamo

import (
	"fmt"
	"hash/fnv"
	"time"

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
