// s3rver on :9000 with MinIO's root credentials in place of its built-in S3RVER key pair.
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');

const user = process.env.MINIO_ROOT_USER;
const password = process.env.MINIO_ROOT_PASSWORD;
if (!user || !password) throw new Error('MINIO_ROOT_USER and MINIO_ROOT_PASSWORD must be set');
AWSAccount.DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
AWSAccount.DUMMY_ACCOUNT.createKeyPair(user, password);
new S3rver({ address: '0.0.0.0', port: 9000, directory: '/data', silent: true, vhostBuckets: false }).run().then(() => console.log('s3rver listening on :9000'));
