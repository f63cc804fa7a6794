// The part of the AWS SDK omnitron uses. The build bundles exactly this (dist/bundle/s3-sdk.mjs), so
// a plan loads these commands' code rather than the whole client's hundred.
export { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
