package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	"github.com/aws/jsii-runtime-go"

	"github.com/hoithi/hoithi/shared/platform"
)

// roundsPath is the one public, cacheable route of the quiz function: every
// open home page reads it, and refreshes it when a round opens (issue #17 §6).
const roundsPath = "/rounds"

// roundsEdge puts CloudFront in front of the quiz function URL for GET
// /rounds only: the answer is the same for everyone who asks for a contest,
// so the edge keeps it for platform.RoundsMaxAge (the function says so in
// Cache-Control) and the function sees about one request per edge location
// every few seconds, whatever the number of open pages. The cache key is the
// ?contest= query and the Origin header (the function's CORS answer
// depends on it: a cached answer without Access-Control-Allow-Origin must
// never reach the site); nothing else is forwarded. It is its own
// distribution: the site's distribution's domain is the functions' allowed
// site origin, so the site's distribution cannot also point at them.
//
// Authenticated routes never go through it: the site calls them on the
// function URL itself, and this distribution's default behaviour caches
// nothing and forwards no Authorization header (CloudFront forwards it only
// when it is part of a cache key, which it is nowhere here).
func (h *HoiThi) roundsEdge() {
	quiz, ok := h.URLs["quiz"]
	if !ok {
		return
	}
	origin := awscloudfrontorigins.NewFunctionUrlOrigin(quiz, &awscloudfrontorigins.FunctionUrlOriginProps{})
	maxAge := awscdk.Duration_Seconds(jsii.Number(platform.RoundsMaxAge.Seconds()))
	policy := awscloudfront.NewCachePolicy(h.Stack, jsii.String("RoundsCache"), &awscloudfront.CachePolicyProps{
		Comment: jsii.String("HoiThi GET /rounds: keyed on ?contest= and Origin, kept as the quiz function's Cache-Control says"),
		// The function's max-age decides, within these bounds.
		MinTtl:                     awscdk.Duration_Seconds(jsii.Number(0)),
		DefaultTtl:                 maxAge,
		MaxTtl:                     maxAge,
		QueryStringBehavior:        awscloudfront.CacheQueryStringBehavior_AllowList(jsii.String("contest")),
		HeaderBehavior:             awscloudfront.CacheHeaderBehavior_AllowList(jsii.String("Origin")),
		CookieBehavior:             awscloudfront.CacheCookieBehavior_None(),
		EnableAcceptEncodingGzip:   jsii.Bool(true),
		EnableAcceptEncodingBrotli: jsii.Bool(true),
	})
	h.RoundsEdge = awscloudfront.NewDistribution(h.Stack, jsii.String("RoundsEdge"), &awscloudfront.DistributionProps{
		Comment:     jsii.String("HoiThi GET /rounds, cached a few seconds in front of the quiz function URL"),
		HttpVersion: awscloudfront.HttpVersion_HTTP2_AND_3,
		PriceClass:  awscloudfront.PriceClass_PRICE_CLASS_200, // includes the edges in Viet Nam
		DefaultBehavior: &awscloudfront.BehaviorOptions{
			Origin:               origin,
			ViewerProtocolPolicy: awscloudfront.ViewerProtocolPolicy_HTTPS_ONLY,
			AllowedMethods:       awscloudfront.AllowedMethods_ALLOW_GET_HEAD(),
			CachePolicy:          awscloudfront.CachePolicy_CACHING_DISABLED(),
		},
		AdditionalBehaviors: &map[string]*awscloudfront.BehaviorOptions{
			roundsPath: {
				Origin:               origin,
				ViewerProtocolPolicy: awscloudfront.ViewerProtocolPolicy_HTTPS_ONLY,
				AllowedMethods:       awscloudfront.AllowedMethods_ALLOW_GET_HEAD_OPTIONS(),
				CachedMethods:        awscloudfront.CachedMethods_CACHE_GET_HEAD(),
				CachePolicy:          policy,
				Compress:             jsii.Bool(true),
			},
		},
	})
}
