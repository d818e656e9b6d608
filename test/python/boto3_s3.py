"""boto3, unmodified, against a keyemu S3 endpoint: make a bucket, put, get, list.

Reads KEYEMU_ENDPOINT, KEYEMU_BUCKET and the key from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY;
prints one JSON line with what boto3 saw, for the Node test to compare.
"""
import base64
import json
import os

import boto3
from botocore.config import Config

endpoint = os.environ["KEYEMU_ENDPOINT"]
bucket = os.environ["KEYEMU_BUCKET"]
s3 = boto3.client(
    "s3",
    endpoint_url=endpoint,
    region_name="us-east-1",
    config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
)
body = bytes(range(256)) * 4
s3.create_bucket(Bucket=bucket)
put = s3.put_object(Bucket=bucket, Key="py/bytes.bin", Body=body, Metadata={"origin": "boto3"})
got = s3.get_object(Bucket=bucket, Key="py/bytes.bin")
read = got["Body"].read()
listed = s3.list_objects_v2(Bucket=bucket, Prefix="py/")
print(
    json.dumps(
        {
            "putETag": put["ETag"],
            "getETag": got["ETag"],
            "sameBytes": read == body,
            "bytes": base64.b64encode(read).decode(),
            "metadata": got["Metadata"],
            "keys": [(o["Key"], o["Size"]) for o in listed.get("Contents", [])],
        }
    )
)
