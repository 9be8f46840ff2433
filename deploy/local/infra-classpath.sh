# Prints the classpath of Apache Kafka's and S3Proxy's jars (the embedded-infra module's
# dependencies), resolving them with Maven once.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
CP_FILE="$ROOT/embedded-infra/target/infra-classpath.txt"
if [ ! -f "$CP_FILE" ]; then
  (cd "$ROOT" && mvn -q -B -pl embedded-infra dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime) >&2
fi
cat "$CP_FILE"
