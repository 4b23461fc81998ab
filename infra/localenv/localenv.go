// Package localenv names what the local platform (make dev, infra/localdev)
// creates, for the tools that reach it (make invoke, make import). The
// credentials are the local S3 server's, local only and never secret.
package localenv

const (
	Table     = "hoithi"
	Bucket    = "hoithi-data"
	AccessKey = "hoithi-local"
	SecretKey = "hoithi-local-secret"
	Region    = "ap-southeast-1"
)
