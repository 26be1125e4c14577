"""`make publish-site`: the built web app (web/dist) into the stack's site bucket, then the site
distribution's cache invalidated. Both come from the stack's outputs (SiteBucketName,
SiteDistributionId), so it needs only the stack's name: --stack, else samconfig.toml's.

Hashed assets (Vite's assets/) are uploaded first and cached for a year; every other file
(index.html, the service worker, the manifest) last and revalidated on each load, so a browser
never gets a page whose assets are not there yet. Older assets stay for pages still open.
AWS credentials and region come from the usual chain (AWS_PROFILE, AWS_REGION, ...).
"""

import argparse
import mimetypes
import os
import pathlib
import sys
import time
import tomllib

import boto3

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".webmanifest": "application/manifest+json",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
}


def stack_from_samconfig(path: pathlib.Path) -> tuple[str | None, str | None]:
    """The stack name and region `sam deploy --guided` saved, if it did."""
    if not path.exists():
        return None, None
    settings = tomllib.loads(path.read_text()).get("default", {}).get("deploy", {})
    parameters = settings.get("parameters", {})
    return parameters.get("stack_name"), parameters.get("region")


def outputs(cloudformation, stack: str) -> dict[str, str]:
    described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def content_type(path: pathlib.Path) -> str:
    return TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", help="the stack's name (default: samconfig.toml's)")
    parser.add_argument("--region", help="the stack's region (default: samconfig.toml's, else AWS_REGION)")
    parser.add_argument("--dist", default="web/dist", help="the built web app (default web/dist)")
    parser.add_argument("--samconfig", default="samconfig.toml")
    args = parser.parse_args()

    saved_stack, saved_region = stack_from_samconfig(pathlib.Path(args.samconfig))
    stack = args.stack or saved_stack
    if not stack:
        print("publish-site: name the stack (STACK=<name>), or deploy once with `make deploy`", file=sys.stderr)
        return 2
    dist = pathlib.Path(args.dist)
    if not (dist / "index.html").is_file():
        print(f"publish-site: {dist}/index.html is missing: build the web app first", file=sys.stderr)
        return 2

    # botocore reads AWS_DEFAULT_REGION; AWS_REGION is what the other AWS tools read.
    region = args.region or saved_region or os.environ.get("AWS_REGION")
    session = boto3.session.Session(region_name=region)
    found = outputs(session.client("cloudformation"), stack)
    missing = [name for name in ("SiteBucketName", "SiteDistributionId") if name not in found]
    if missing:
        print(f"publish-site: stack {stack} has no output {', '.join(missing)}; deploy a template with the site", file=sys.stderr)
        return 1
    bucket, distribution = found["SiteBucketName"], found["SiteDistributionId"]

    s3 = session.client("s3")
    files = sorted(p for p in dist.rglob("*") if p.is_file())
    hashed = [p for p in files if p.relative_to(dist).parts[0] == "assets"]
    for path in hashed + [p for p in files if p not in hashed]:
        key = path.relative_to(dist).as_posix()
        s3.upload_file(
            str(path),
            bucket,
            key,
            ExtraArgs={
                "ContentType": content_type(path),
                "CacheControl": IMMUTABLE if path in hashed else REVALIDATE,
            },
        )
    invalidation = session.client("cloudfront").create_invalidation(
        DistributionId=distribution,
        InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/*"]},
            "CallerReference": f"publish-site-{time.time_ns()}",
        },
    )["Invalidation"]
    print(f"{len(files)} files in s3://{bucket}; invalidation {invalidation['Id']} of {distribution}")
    site = found.get("SiteUrl")
    if site:
        print(f"site: {site}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
