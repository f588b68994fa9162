package awsorg

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// ErrExists is a conditional create (If-None-Match: *) refused because the
// key already holds different bytes: someone else's record.
var ErrExists = errors.New("object already exists")

// ErrNoSuchBucket is a bucket that does not exist: the Detail of an
// APIError whose Kind is ErrNotFound, so errors.Is matches both.
var ErrNoSuchBucket = errors.New("no such bucket")

// Bucket is one S3 bucket, for the durable journal and the sweep's
// inventory. It speaks to AWS S3 or any S3-compatible store: the endpoint
// follows the SDK's conventions, so AWS_ENDPOINT_URL_S3 wins over
// AWS_ENDPOINT_URL and --endpoint-url.
type Bucket struct {
	s3   *s3.Client
	name string
}

// BucketOptions tune a Bucket.
type BucketOptions struct {
	// PathStyle addresses the bucket in the path (http://host/bucket/key),
	// as S3-compatible stores on a custom endpoint expect.
	PathStyle bool
}

// NewBucket returns the bucket name reached through cfg.
func NewBucket(cfg aws.Config, name string, o BucketOptions) *Bucket {
	cfg.HTTPClient = HTTPClient(cfg.HTTPClient)
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(so *retry.StandardOptions) { so.MaxAttempts = 5 })
	}
	c := s3.NewFromConfig(cfg, func(so *s3.Options) {
		so.UsePathStyle = o.PathStyle
		// The SDK's default sends a CRC trailer with every upload (aws-chunked
		// encoding) that several S3-compatible stores refuse; checksums go
		// only where S3 requires them, and TLS guards the rest.
		so.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		so.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	return &Bucket{s3: c, name: name}
}

// PutNew stores body at key only if key does not exist yet (If-None-Match:
// *), so two writers can never overwrite each other's records. The reply
// is S3's acknowledgement that the object is stored. A conflict on a key
// that already holds exactly body is success: the SDK retried a request
// of ours whose first attempt had landed.
func (b *Bucket) PutNew(ctx context.Context, key string, body []byte) error {
	_, err := b.s3.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &b.name, Key: &key, Body: bytes.NewReader(body), IfNoneMatch: aws.String("*"),
		ContentType: aws.String("application/json"), ContentLength: aws.Int64(int64(len(body))),
	})
	if err == nil {
		return nil
	}
	if isPreconditionFailed(err) {
		have, gerr := b.Get(ctx, key)
		if gerr == nil && bytes.Equal(have, body) {
			return nil
		}
		return &APIError{Op: "put s3://" + b.name + "/" + key, Code: "PreconditionFailed", Message: "the key is taken", Kind: ErrExists, Err: err}
	}
	return classifyS3("put s3://"+b.name+"/"+key, err)
}

// Put stores body at key, replacing what is there.
func (b *Bucket) Put(ctx context.Context, key string, body []byte) error {
	_, err := b.s3.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &b.name, Key: &key, Body: bytes.NewReader(body),
		ContentType: aws.String("application/json"), ContentLength: aws.Int64(int64(len(body))),
	})
	return classifyS3("put s3://"+b.name+"/"+key, err)
}

// Get returns the object at key; ErrNotFound if there is none.
func (b *Bucket) Get(ctx context.Context, key string) ([]byte, error) {
	out, err := b.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: &b.name, Key: &key})
	if err != nil {
		return nil, classifyS3("get s3://"+b.name+"/"+key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, fmt.Errorf("get s3://%s/%s: %w", b.name, key, err)
	}
	return data, nil
}

// List calls fn with every key under prefix, in S3's (lexical) order.
func (b *Bucket) List(ctx context.Context, prefix string, fn func(key string) error) error {
	p := s3.NewListObjectsV2Paginator(b.s3, &s3.ListObjectsV2Input{Bucket: &b.name, Prefix: &prefix})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return classifyS3("list s3://"+b.name+"/"+prefix, err)
		}
		for _, o := range page.Contents {
			if err := fn(aws.ToString(o.Key)); err != nil {
				return err
			}
		}
	}
	return nil
}

func isPreconditionFailed(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) && (ae.ErrorCode() == "PreconditionFailed" || ae.ErrorCode() == "ConditionalRequestConflict") {
		return true
	}
	var re interface{ HTTPStatusCode() int }
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusPreconditionFailed
}

// classifyS3 is classify with S3's own codes.
func classifyS3(op string, err error) error {
	err = classify(op, err)
	var e *APIError
	if !errors.As(err, &e) {
		return err
	}
	switch code := e.Code; {
	case code == "NoSuchBucket":
		e.Kind, e.Detail = ErrNotFound, ErrNoSuchBucket
		if e.Message == "" {
			e.Message = "the bucket does not exist"
		}
	case code == "NoSuchKey" || code == "NotFound":
		e.Kind = ErrNotFound
		if e.Message == "" && code == "NoSuchKey" {
			e.Message = "no such key"
		}
	case code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" || strings.HasPrefix(code, "AllAccessDisabled"):
		e.Kind = ErrAccessDenied
	case code == "SlowDown" || code == "TooManyRequests":
		e.Kind = ErrThrottled
	}
	return e
}

// BucketLoadOptions say how to reach a journal bucket.
type BucketLoadOptions struct {
	LoadOptions
	Bucket string
	// Getenv reads the environment the SDK reads (os.Getenv in production).
	Getenv func(string) string
	// Local is for the sandbox: the AWS calls are emulated, so the bucket
	// must be an S3-compatible store named by AWS_ENDPOINT_URL_S3 (or
	// AWS_ENDPOINT_URL), never real S3 by accident. Everything comes from
	// Getenv, nothing from the SDK's chain: the keys in it, else
	// placeholder ones (local stores accept any), and its region.
	Local bool
}

// ErrNoLocalStore is a sandbox run asked to journal to S3 with no
// S3-compatible store configured.
var ErrNoLocalStore = errors.New("the sandbox has no S3: set AWS_ENDPOINT_URL_S3 to an S3-compatible store")

// LoadBucket builds a Bucket from the usual configuration chain. A custom
// endpoint (--endpoint-url, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3) gets
// path-style addressing, as S3-compatible stores expect.
func LoadBucket(ctx context.Context, o BucketLoadOptions) (*Bucket, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if o.Local {
		// The sandbox reads no AWS configuration: not the credential chain
		// (it would end at the instance metadata service, slowly, for a
		// store that accepts any key), and nothing the SDK would take from
		// the process environment behind the getenv it was given. Keys in
		// the environment are used as they are (a local MinIO checks them).
		endpoint := cmp.Or(getenv("AWS_ENDPOINT_URL_S3"), getenv("AWS_ENDPOINT_URL"))
		if endpoint == "" {
			return nil, ErrNoLocalStore
		}
		id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
		if id == "" || secret == "" {
			id, secret = "sandbox", "sandbox-secret"
		}
		region := cmp.Or(o.Region, getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION"), "us-east-1")
		cfg := aws.Config{
			Region:       region,
			Credentials:  aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(id, secret, "")),
			BaseEndpoint: aws.String(endpoint),
		}
		return NewBucket(cfg, o.Bucket, BucketOptions{PathStyle: true}), nil
	}
	custom := o.EndpointURL != "" || getenv("AWS_ENDPOINT_URL_S3") != "" || getenv("AWS_ENDPOINT_URL") != ""
	if getenv("AWS_ENDPOINT_URL_S3") != "" {
		// An endpoint set in code outranks every variable in the SDK's
		// order, so the one-for-all --endpoint-url would hijack S3 from
		// the variable that names S3 alone.
		o.EndpointURL = ""
	}
	cfg, err := LoadConfig(ctx, o.LoadOptions)
	if err != nil {
		return nil, err
	}
	return NewBucket(cfg, o.Bucket, BucketOptions{PathStyle: custom}), nil
}
