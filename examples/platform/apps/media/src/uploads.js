// Media's uploads, kept in its own bucket (S3_* env from omnitron): PUT /uploads/<key> stores the
// request body, GET /uploads/<key> returns it. The bucket is private: only signed requests reach it.
import { GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

function client(env = process.env) {
  return new S3Client({
    endpoint: env.S3_ENDPOINT, region: env.S3_REGION, forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true', maxAttempts: 1,
    credentials: { accessKeyId: env.S3_ACCESS_KEY, secretAccessKey: env.S3_SECRET_KEY },
  });
}

/** Health: the bucket exists and these credentials may use it. */
export async function checkBucket(bucket) {
  const s3 = client();
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return `ok (${bucket})`;
  } finally {
    s3.destroy();
  }
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export async function uploads(req, res) {
  const key = decodeURIComponent(req.url.slice('/uploads/'.length));
  if (!key) { res.writeHead(404).end(); return; }
  const s3 = client();
  try {
    if (req.method === 'PUT') {
      await s3.send(new PutObjectCommand({ Bucket: process.env.S3_BUCKET, Key: key, Body: await readBody(req) }));
      res.writeHead(201).end();
    } else if (req.method === 'GET') {
      const object = await s3.send(new GetObjectCommand({ Bucket: process.env.S3_BUCKET, Key: key })).catch((err) => (err.name === 'NoSuchKey' ? undefined : Promise.reject(err)));
      if (!object) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from(await object.Body.transformToByteArray()));
    } else {
      res.writeHead(405).end();
    }
  } finally {
    s3.destroy();
  }
}
