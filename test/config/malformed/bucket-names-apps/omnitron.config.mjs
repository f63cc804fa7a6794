// Bucket names from the apps: an app's s3.bucket, and an app's name as its default bucket.
export default {
  apps: [
    { name: 'media', bootstrap: './apps/media/dist/bootstrap.js' },
    { name: 'Thumbs_2', bootstrap: './apps/Thumbs/dist/bootstrap.js' },
  ],
};
