// Command infra is HoiThi's CDK app: one stack with the table, the buckets,
// the site behind CloudFront and every function of shared/platform behind its
// own function URL. It synthesizes offline (`make synth`); `make deploy`
// deploys it with the pinned aws-cdk CLI (see docs/deploy.md).
//
// Settings come from CDK context (`-c key=value`), all optional:
//
//	contestId           the contest served when a request names none (default "demo")
//	siteOrigin          the origin the site is loaded from, always allowed by the
//	                    functions and the data bucket (default: https://<siteDomain>,
//	                    else the CloudFront distribution's URL); contests' own
//	                    origins are in their settings (no redeploy)
//	bucketOrigins       more origins the data bucket's CORS accepts (clip uploads from
//	                    a contest's own site), comma-separated
//	siteDomain          a custom domain name for the site (needs siteCertificateArn)
//	siteCertificateArn  an ACM certificate in us-east-1 covering siteDomain
//	mailFrom            the SES identity sign-in codes are sent from
//	submitGraceSeconds  how late after the deadline a submission is taken (default 60)
//	mailRatePerSecond   reminder e-mails a second, below the account's SES rate (default 8)
//	clipMaxBytes, clipQuota, clipMaxSeconds, clipUploadExpirySeconds, clipCriteria, clipBlocks
//	                    the clip contest's limits and jury criteria (docs/clips.md)
//	alarmEmail          an address subscribed to the alarm topic
//	assetRoot           the folder of <function>/bootstrap (default .local/build, by make build)
//	webDir              the static site (default web, deployed when it exists)
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// StackName is the CloudFormation stack's name (and the template's file name
// in cdk.out: cdk.out/HoiThi.template.json).
const StackName = "HoiThi"

func main() {
	defer jsii.Close()
	app := NewApp("", nil)
	settings, err := SettingsFromContext(app.Node())
	if err != nil {
		fmt.Fprintln(os.Stderr, "infra:", err)
		os.Exit(2)
	}
	NewHoiThi(app, StackName, &awscdk.StackProps{
		Env:         envFromCLI(),
		Description: jsii.String("HoiThi: online contest on administrative reform (functions, table, buckets, site)"),
	}, settings)
	app.Synth(nil)
}

// NewApp returns a CDK app that keeps the metadata `sam local invoke` needs to
// find each function's code (aws:asset:path, aws:cdk:path), also when it is
// synthesized without the CLI (tests, plain `go run ./infra`). Context given
// here yields to the CLI's and -c's. An empty outdir is the CLI's choice
// (CDK_OUTDIR), else cdk.out.
func NewApp(outdir string, context map[string]any) awscdk.App {
	ctx := map[string]any{
		"aws:cdk:enable-path-metadata":  true,
		"aws:cdk:enable-asset-metadata": true,
		"aws:cdk:version-reporting":     false,
	}
	for k, v := range context {
		ctx[k] = v
	}
	props := &awscdk.AppProps{Context: &ctx}
	if outdir != "" {
		props.Outdir = jsii.String(outdir)
	}
	return awscdk.NewApp(props)
}

// envFromCLI pins the stack to the account and region the CLI resolved
// (CDK_DEFAULT_*), or leaves it environment-agnostic for offline synthesis.
func envFromCLI() *awscdk.Environment {
	account, region := os.Getenv("CDK_DEFAULT_ACCOUNT"), os.Getenv("CDK_DEFAULT_REGION")
	if account == "" || region == "" {
		return nil
	}
	return &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)}
}
