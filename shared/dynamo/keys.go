package dynamo

import (
	"fmt"
	"hash/fnv"

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
	h := fnv.New32a()
	_, _ = h.Write([]byte(participantID))
	return int(h.Sum32() % platform.RankingShards)
}
