package main

import (
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/platform"
)

// managedCachingDisabled is CloudFront's CachingDisabled policy, by its id.
const managedCachingDisabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"

func TestGetRoundsIsCachedAtTheEdgeAndNothingElseIs(t *testing.T) {
	s := synth(t).configured
	_, d := s.byPath(t, "RoundsEdge/Resource")
	cfg := props(d)["DistributionConfig"].(map[string]any)
	quizURL, _ := s.byPath(t, "QuizFunction/FunctionUrl/Resource")
	var rounds map[string]any
	for _, b := range asSlice(cfg["CacheBehaviors"]) {
		if b := b.(map[string]any); b["PathPattern"] == roundsPath {
			rounds = b
		}
	}
	if rounds == nil {
		t.Fatalf("no %s behaviour: %s", roundsPath, jsonOf(cfg["CacheBehaviors"]))
	}
	policyID, policy := s.byPath(t, "RoundsCache/Resource")
	pc := props(policy)["CachePolicyConfig"].(map[string]any)
	key := pc["ParametersInCacheKeyAndForwardedToOrigin"].(map[string]any)

	t.Run("the distribution's one origin is the quiz function URL", func(t *testing.T) {
		origins := asSlice(cfg["Origins"])
		if len(origins) != 1 || !strings.Contains(jsonOf(origins[0]), `"Fn::GetAtt":["`+quizURL+`","FunctionUrl"]`) {
			t.Errorf("origins %s, want the quiz function URL only", jsonOf(origins))
		}
	})
	t.Run("GET /rounds has its own cache policy", func(t *testing.T) {
		if got := jsonOf(rounds["CachePolicyId"]); !strings.Contains(got, policyID) {
			t.Errorf("/rounds cache policy %s, want %s", got, policyID)
		}
		if got := strs(rounds["CachedMethods"]); strings.Join(got, ",") != "GET,HEAD" {
			t.Errorf("cached methods %v, want GET, HEAD", got)
		}
	})
	t.Run("the cache key is ?contest= and the Origin header, nothing else", func(t *testing.T) {
		qs := key["QueryStringsConfig"].(map[string]any)
		if qs["QueryStringBehavior"] != "whitelist" || jsonOf(qs["QueryStrings"]) != `["contest"]` {
			t.Errorf("query strings %s, want contest only", jsonOf(qs))
		}
		hs := key["HeadersConfig"].(map[string]any)
		if hs["HeaderBehavior"] != "whitelist" || jsonOf(hs["Headers"]) != `["Origin"]` {
			t.Errorf("headers %s, want Origin only", jsonOf(hs))
		}
		if c := key["CookiesConfig"].(map[string]any); c["CookieBehavior"] != "none" {
			t.Errorf("cookies %s, want none", jsonOf(c))
		}
	})
	t.Run("the answer is kept as long as the function says, at most platform.RoundsMaxAge", func(t *testing.T) {
		want := platform.RoundsMaxAge.Seconds()
		if pc["MinTTL"] != float64(0) || pc["DefaultTTL"] != want || pc["MaxTTL"] != want {
			t.Errorf("TTLs min %v default %v max %v, want 0, %v, %v", pc["MinTTL"], pc["DefaultTTL"], pc["MaxTTL"], want, want)
		}
	})
	t.Run("no behaviour caches on or forwards the Authorization header", func(t *testing.T) {
		if strings.Contains(strings.ToLower(jsonOf(pc)), "authorization") {
			t.Errorf("the /rounds cache policy names Authorization: %s", jsonOf(pc))
		}
		def := cfg["DefaultCacheBehavior"].(map[string]any)
		if def["CachePolicyId"] != managedCachingDisabled || def["OriginRequestPolicyId"] != nil {
			t.Errorf("default behaviour %s, want CachingDisabled and no origin request policy", jsonOf(def))
		}
		if got := strs(def["AllowedMethods"]); strings.Join(got, ",") != "GET,HEAD" {
			t.Errorf("default behaviour allows %v, want GET, HEAD", got)
		}
	})
	t.Run("the site reads GET /rounds through the edge", func(t *testing.T) {
		for _, dep := range s.resources("Custom::CDKBucketDeployment") {
			markers := jsonOf(props(dep)["SourceMarkers"])
			if !strings.Contains(markers, `\"rounds\":\"https://`) || !strings.Contains(markers, "RoundsEdge") {
				t.Errorf("config.js lacks the rounds URL: %s", markers)
			}
		}
		if s.doc["Outputs"].(map[string]any)["RoundsURL"] == nil {
			t.Error("no RoundsURL output")
		}
	})
}
