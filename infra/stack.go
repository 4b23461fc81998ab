package main

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3deployment"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/hoithi/hoithi/shared/platform"
)

// HoiThi is the whole deployment in one stack. Its fields are what the
// functions, the outputs and the tests refer to.
type HoiThi struct {
	Stack        awscdk.Stack
	Settings     Settings
	Table        awsdynamodb.Table
	DataBucket   awss3.Bucket
	SiteBucket   awss3.Bucket
	Distribution awscloudfront.Distribution
	// RoundsEdge caches the public GET /rounds in front of the quiz function URL (edge.go).
	RoundsEdge  awscloudfront.Distribution
	TokenSecret awssecretsmanager.Secret
	AlarmTopic  awssns.Topic
	// SiteOrigin is the deployment's site origin, always allowed by the
	// functions' CORS answers and the data bucket's.
	SiteOrigin string
	// Functions and URLs are keyed by platform.Function.Name.
	Functions map[string]awslambda.Function
	URLs      map[string]awslambda.FunctionUrl
	// DeadLetters are the stream-fed functions' dead-letter queues.
	DeadLetters map[string]awssqs.Queue
	// MappingFunction names the function of each stream mapping
	// (platform.MappingName, the keys of DeadLetters).
	MappingFunction map[string]string
}

// NewHoiThi builds the stack from shared/platform and the settings.
func NewHoiThi(scope constructs.Construct, id string, props *awscdk.StackProps, s Settings) *HoiThi {
	h := &HoiThi{
		Stack:       awscdk.NewStack(scope, &id, props),
		Settings:    s,
		Functions:   map[string]awslambda.Function{},
		URLs:        map[string]awslambda.FunctionUrl{},
		DeadLetters: map[string]awssqs.Queue{}, MappingFunction: map[string]string{},
	}
	h.Table = newTable(h.Stack)
	// The data bucket's name is fixed from the stack, account and region so
	// that CloudFront can serve its results/ prefix while the bucket's CORS
	// rule names the distribution's domain, without a dependency cycle.
	dataBucketName := awscdk.Fn_Join(jsii.String("-"), jsii.Strings(
		strings.ToLower(*h.Stack.StackName()), "data", *h.Stack.Account(), *h.Stack.Region()))
	h.site(dataBucketName)
	h.SiteOrigin = s.siteOrigin(*h.Distribution.DistributionDomainName())
	h.DataBucket = newDataBucket(h.Stack, dataBucketName, append([]string{h.SiteOrigin}, s.BucketOrigins...))
	h.DataBucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("SiteServesPublishedResults"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudfront.amazonaws.com"), nil)},
		Actions:    jsii.Strings("s3:GetObject"),
		Resources:  jsii.Strings(*h.DataBucket.ArnForObjects(jsii.String(platform.PrefixResults + "*"))),
		Conditions: &map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": h.distributionARN()}},
	}))
	h.TokenSecret = awssecretsmanager.NewSecret(h.Stack, jsii.String("TokenKey"), &awssecretsmanager.SecretProps{
		Description: jsii.String("HoiThi session-token signing key (HS256); read once per function container"),
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			PasswordLength:     jsii.Number(64),
			ExcludePunctuation: jsii.Bool(true),
			IncludeSpace:       jsii.Bool(false),
		},
	})
	h.AlarmTopic = newAlarmTopic(h.Stack, s.AlarmEmail)

	for _, f := range platform.Functions {
		fn := h.addFunction(f)
		h.schedule(f, fn)
	}
	h.roundsEdge()

	h.deploySite()
	h.alarms()
	h.outputs()
	return h
}

// newTable is platform.Table on DynamoDB: on demand, point-in-time recovery,
// TTL, the indexes as declared, a stream of new images (the mailer reads
// the outbox from it), encrypted
// at rest with DynamoDB's own key (no KMS charges), kept if the stack goes.
func newTable(stack awscdk.Stack) awsdynamodb.Table {
	spec := platform.Table
	str := func(name string) *awsdynamodb.Attribute {
		return &awsdynamodb.Attribute{Name: jsii.String(name), Type: awsdynamodb.AttributeType_STRING}
	}
	var stream awsdynamodb.StreamViewType
	if spec.StreamNewImages {
		stream = awsdynamodb.StreamViewType_NEW_IMAGE
	}
	t := awsdynamodb.NewTable(stack, jsii.String("Table"), &awsdynamodb.TableProps{
		PartitionKey:        str(spec.PartitionKey),
		SortKey:             str(spec.SortKey),
		BillingMode:         awsdynamodb.BillingMode_PAY_PER_REQUEST,
		TimeToLiveAttribute: jsii.String(spec.TTLAttribute),
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		DeletionProtection: jsii.Bool(true),
		RemovalPolicy:      awscdk.RemovalPolicy_RETAIN,
		Stream:             stream,
	})
	for _, ix := range spec.Indexes {
		gsi := &awsdynamodb.GlobalSecondaryIndexProps{
			IndexName:      jsii.String(ix.Name),
			PartitionKey:   str(ix.PartitionKey),
			SortKey:        str(ix.SortKey),
			ProjectionType: awsdynamodb.ProjectionType_KEYS_ONLY,
		}
		if len(ix.Projected) > 0 {
			gsi.ProjectionType = awsdynamodb.ProjectionType_INCLUDE
			gsi.NonKeyAttributes = jsii.Strings(ix.Projected...)
		}
		t.AddGlobalSecondaryIndex(gsi)
	}
	return t
}

// newDataBucket holds banks/, results/, clips/ and insight/: private, encrypted, TLS
// only; browsers may upload (presigned clip uploads, platform.BucketCORS) from
// the site origin and the bucketOrigins setting at deploy; the admin function
// sets the rule again (cors.BucketOrigins, with every contest's origins) when
// an organiser changes a contest's origins, so that needs no redeploy;
// multipart uploads left unfinished are aborted after a day,
// and the console's large import files (imports/) expire after a day.
func newDataBucket(stack awscdk.Stack, name *string, origins []string) awss3.Bucket {
	cors := platform.BucketCORS
	methods := make([]awss3.HttpMethods, len(cors.AllowMethods))
	for i, m := range cors.AllowMethods {
		methods[i] = awss3.HttpMethods(m)
	}
	return awss3.NewBucket(stack, jsii.String("DataBucket"), &awss3.BucketProps{
		BucketName:        name,
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
		Cors: &[]*awss3.CorsRule{{
			AllowedOrigins: jsii.Strings(origins...),
			AllowedMethods: &methods,
			AllowedHeaders: jsii.Strings(cors.AllowHeaders...),
			ExposedHeaders: jsii.Strings(cors.ExposeHeaders...),
			MaxAge:         jsii.Number(cors.MaxAge.Seconds()),
		}},
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                                  jsii.String("abort-incomplete-multipart-uploads"),
			AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(1)),
		}, {
			Id:         jsii.String("expire-import-files"),
			Prefix:     jsii.String(platform.PrefixImports),
			Expiration: awscdk.Duration_Days(jsii.Number(1)),
		}},
	})
}

// site is the static site's private bucket behind CloudFront (origin access
// control; the bucket itself is never public), and the published results
// (results/ of the data bucket, named dataBucketName) under /results/*.
func (h *HoiThi) site(dataBucketName *string) {
	h.SiteBucket = awss3.NewBucket(h.Stack, jsii.String("SiteBucket"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
	})
	// One origin for the default and /embed/* behaviors: the distribution
	// binds an origin object once, so the site bucket keeps one origin access
	// control and one policy statement.
	siteOrigin := awscloudfrontorigins.S3BucketOrigin_WithOriginAccessControl(h.SiteBucket, nil)
	props := &awscloudfront.DistributionProps{
		Comment:           jsii.String("HoiThi contest site"),
		DefaultRootObject: jsii.String("index.html"),
		HttpVersion:       awscloudfront.HttpVersion_HTTP2_AND_3,
		PriceClass:        awscloudfront.PriceClass_PRICE_CLASS_200, // includes the edges in Viet Nam
		DefaultBehavior: &awscloudfront.BehaviorOptions{
			Origin:                siteOrigin,
			ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_REDIRECT_TO_HTTPS,
			CachePolicy:           awscloudfront.CachePolicy_CACHING_OPTIMIZED(),
			ResponseHeadersPolicy: awscloudfront.ResponseHeadersPolicy_SECURITY_HEADERS(),
			Compress:              jsii.Bool(true),
		},
	}
	if h.Settings.SiteDomain != "" {
		props.DomainNames = jsii.Strings(h.Settings.SiteDomain)
		props.Certificate = awscertificatemanager.Certificate_FromCertificateArn(h.Stack, jsii.String("SiteCertificate"), jsii.String(h.Settings.SiteCertificateARN))
	}
	// The data bucket is referred to by name here (see NewHoiThi); its policy
	// lets this distribution read results/ only, so the origin's own grant
	// (the whole bucket) is not wanted.
	results := awss3.Bucket_FromBucketName(h.Stack, jsii.String("PublishedResults"), dataBucketName)
	awscdk.Annotations_Of(h.Stack).AcknowledgeWarning(jsii.String("@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac"),
		jsii.String("the data bucket's policy grants this distribution results/* only"))
	props.AdditionalBehaviors = &map[string]*awscloudfront.BehaviorOptions{
		"/" + platform.PrefixResults + "*": {
			Origin:               awscloudfrontorigins.S3BucketOrigin_WithOriginAccessControl(results, nil),
			ViewerProtocolPolicy: awscloudfront.ViewerProtocolPolicy_REDIRECT_TO_HTTPS,
			CachePolicy:          awscloudfront.CachePolicy_CACHING_OPTIMIZED(), // results carry max-age=60
			// Published results are public: unit websites may fetch them.
			ResponseHeadersPolicy: awscloudfront.ResponseHeadersPolicy_CORS_ALLOW_ALL_ORIGINS(),
			Compress:              jsii.Bool(true),
		},
		"/" + embedPrefix + "*": {
			Origin:                siteOrigin,
			ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_REDIRECT_TO_HTTPS,
			CachePolicy:           awscloudfront.CachePolicy_CACHING_OPTIMIZED(),
			ResponseHeadersPolicy: h.embedHeaders(),
			Compress:              jsii.Bool(true),
		},
	}
	h.Distribution = awscloudfront.NewDistribution(h.Stack, jsii.String("Site"), props)
}

// embedPrefix is the folder of web/ that unit websites put in an <iframe>
// (the banner of their portal, web/embed/).
const embedPrefix = "embed/"

// embedFrameAncestors is the Content-Security-Policy of /embed/*: any site may
// frame it.
const embedFrameAncestors = "frame-ancestors *"

// embedHeaders is the managed SecurityHeadersPolicy without X-Frame-Options
// and with frame-ancestors * instead, for /embed/* only: the banner has no
// sign-in and no actions, only links, so being framed by any site cannot be
// turned into clickjacking. The rest of the site (sign-in, quizzes) keeps
// X-Frame-Options SAMEORIGIN.
func (h *HoiThi) embedHeaders() awscloudfront.IResponseHeadersPolicy {
	return awscloudfront.NewResponseHeadersPolicy(h.Stack, jsii.String("EmbedHeaders"), &awscloudfront.ResponseHeadersPolicyProps{
		Comment: jsii.String("HoiThi /embed/*: security headers, framable by any site (banner of unit websites)"),
		SecurityHeadersBehavior: &awscloudfront.ResponseSecurityHeadersBehavior{
			StrictTransportSecurity: &awscloudfront.ResponseHeadersStrictTransportSecurity{
				AccessControlMaxAge: awscdk.Duration_Seconds(jsii.Number(31536000)),
				IncludeSubdomains:   jsii.Bool(true),
				Override:            jsii.Bool(true),
			},
			ContentTypeOptions: &awscloudfront.ResponseHeadersContentTypeOptions{Override: jsii.Bool(true)},
			ReferrerPolicy: &awscloudfront.ResponseHeadersReferrerPolicy{
				ReferrerPolicy: awscloudfront.HeadersReferrerPolicy_STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
				Override:       jsii.Bool(true),
			},
			XssProtection: &awscloudfront.ResponseHeadersXSSProtection{Protection: jsii.Bool(true), ModeBlock: jsii.Bool(true), Override: jsii.Bool(true)},
			// No FrameOptions: X-Frame-Options cannot allow every site.
			ContentSecurityPolicy: &awscloudfront.ResponseHeadersContentSecurityPolicy{
				ContentSecurityPolicy: jsii.String(embedFrameAncestors),
				Override:              jsii.Bool(true),
			},
		},
	})
}

// SiteConfig is what the site's config.js holds (window.HOITHI_CONFIG): each
// function URL by name, and the contest (the shape infra/localdev serves).
func (h *HoiThi) SiteConfig() map[string]*string {
	cfg := map[string]*string{"contest": jsii.String(h.Settings.ContestID)}
	for name, u := range h.URLs {
		cfg[name] = u.Url()
	}
	if h.RoundsEdge != nil { // GET /rounds through the edge cache (edge.go)
		cfg["rounds"] = jsii.String("https://" + *h.RoundsEdge.DistributionDomainName())
	}
	return cfg
}

// deploySite copies web/ to the site bucket with a generated config.js (the
// function URLs are deploy-time values) and invalidates CloudFront's cache.
// The deployment's own function gets an explicit, wildcard-free policy instead
// of the library's grants (which use actions such as s3:GetObject*).
func (h *HoiThi) deploySite() {
	if h.Settings.WebDir == "" {
		return
	}
	stack := h.Stack
	role := awsiam.NewRole(stack, jsii.String("SiteDeploymentRole"), &awsiam.RoleProps{
		AssumedBy:       awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description:     jsii.String("Copies the static site and config.js to the site bucket"),
		ManagedPolicies: &[]awsiam.IManagedPolicy{awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("service-role/AWSLambdaBasicExecutionRole"))},
	})
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ReadDeploymentAssets"),
		Actions:   jsii.Strings("s3:GetObject"),
		Resources: jsii.Strings(assetBucketARN(stack) + "/*"),
	}))
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ListSiteBucket"),
		Actions:   jsii.Strings("s3:ListBucket"),
		Resources: jsii.Strings(*h.SiteBucket.BucketArn()),
	}))
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("WriteSiteObjects"),
		Actions:   jsii.Strings("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"),
		Resources: jsii.Strings(*h.SiteBucket.ArnForObjects(jsii.String("*"))),
	}))
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("InvalidateSite"),
		Actions:   jsii.Strings("cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"),
		Resources: jsii.Strings(h.distributionARN()),
	}))

	config := "window.HOITHI_CONFIG = " + *stack.ToJsonString(h.SiteConfig(), nil) + ";\n"
	awss3deployment.NewBucketDeployment(stack, jsii.String("SiteContent"), &awss3deployment.BucketDeploymentProps{
		DestinationBucket: h.SiteBucket,
		Sources: &[]awss3deployment.ISource{
			awss3deployment.Source_Asset(jsii.String(h.Settings.WebDir), &awss3assets.AssetOptions{Exclude: jsii.Strings("README.md", "tests", "*.test.js", "*.test.mjs")}),
			awss3deployment.Source_Data(jsii.String("config.js"), jsii.String(config), nil),
		},
		Role:              role.WithoutPolicyUpdates(&awsiam.WithoutPolicyUpdatesOptions{}),
		Prune:             jsii.Bool(true),
		Distribution:      h.Distribution,
		DistributionPaths: jsii.Strings("/*"),
		MemoryLimit:       jsii.Number(256),
		LogGroup: awslogs.NewLogGroup(stack, jsii.String("SiteContentLogs"), &awslogs.LogGroupProps{
			Retention:     awslogs.RetentionDays_ONE_MONTH,
			RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
		}),
	})
}

// distributionARN is the site distribution's ARN (CloudFront is global: no region).
func (h *HoiThi) distributionARN() string {
	return *awscdk.Arn_Format(&awscdk.ArnComponents{
		Service: jsii.String("cloudfront"), Region: jsii.String(""), Resource: jsii.String("distribution"),
		ResourceName: h.Distribution.DistributionId(),
	}, h.Stack)
}

// assetBucketARN is the bootstrap bucket the CLI uploads assets to (the
// default synthesizer's naming, with the qualifier from context if set).
func assetBucketARN(stack awscdk.Stack) string {
	qualifier := *awscdk.DefaultStackSynthesizer_DEFAULT_QUALIFIER()
	if q, ok := stack.Node().TryGetContext(jsii.String("@aws-cdk/core:bootstrapQualifier")).(string); ok && q != "" {
		qualifier = q
	}
	name := strings.ReplaceAll(*awscdk.DefaultStackSynthesizer_DEFAULT_FILE_ASSETS_BUCKET_NAME(), "${Qualifier}", qualifier)
	return *awscdk.Fn_Sub(jsii.String("arn:${AWS::Partition}:s3:::"+name), nil)
}

// outputs name every URL and resource an organiser or a script needs.
func (h *HoiThi) outputs() {
	out := func(id, value, desc string) {
		awscdk.NewCfnOutput(h.Stack, jsii.String(id), &awscdk.CfnOutputProps{Value: jsii.String(value), Description: jsii.String(desc)})
	}
	out("SiteURL", "https://"+*h.Distribution.DistributionDomainName(), "the contest site (CloudFront)")
	out("SiteOrigin", h.SiteOrigin, "the site's origin, always allowed (contests add theirs in their settings)")
	out("DistributionId", *h.Distribution.DistributionId(), "CloudFront distribution of the site")
	out("RoundsURL", "https://"+*h.RoundsEdge.DistributionDomainName(), "GET /rounds, cached a few seconds at the edge (the site's config.js rounds)")
	out("TableName", *h.Table.TableName(), "the DynamoDB table ("+platform.EnvTable+")")
	out("DataBucketName", *h.DataBucket.BucketName(), "banks/, results/, clips/ ("+platform.EnvBucket+")")
	out("SiteBucketName", *h.SiteBucket.BucketName(), "the static site's files")
	out("TokenSecretArn", *h.TokenSecret.SecretArn(), "the session-token signing key ("+platform.EnvTokenSecretARN+")")
	out("AlarmTopicArn", *h.AlarmTopic.TopicArn(), "alarms are sent here")
	for _, f := range platform.Functions {
		id := constructID(f.Name)
		out(id+"FunctionName", *h.Functions[f.Name].FunctionName(), f.Describes)
		if u, ok := h.URLs[f.Name]; ok {
			out(id+"FunctionURL", *u.Url(), fmt.Sprintf("function URL of %s (%s)", f.Name, f.Describes))
		}
	}
}
