#!/usr/bin/env bash
# Checks Graft as a user gets it: installs the project into a Maven repository, then builds and
# runs a separate Maven project that depends on the one documented coordinate (dev.graft:graft,
# version from dev.graft:graft-bom) and runs the README's first example on random data.
# Not part of the unit tests (it installs). Usage:
#   scripts/consumer-check.sh [--repo DIR] [--skip-install] [-- extra mvn options]
# --repo DIR: the local repository to install into and resolve from (default: Maven's own;
#             pass a copy, e.g. cp -r ~/.m2/repository /tmp/m2-copy, to leave ~/.m2 untouched).
# JAVA_HOME selects the JDK that runs the example (17, 21, 25...).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo_opts=()
install=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repo) repo_opts=("-Dmaven.repo.local=$2"); shift 2 ;;
    --skip-install) install=0; shift ;;
    --) shift; break ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
version="$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$root/pom.xml" | head -1)"
if [[ $install == 1 ]]; then
  mvn -q -f "$root/pom.xml" "${repo_opts[@]}" "$@" install -DskipTests -Dspotless.check.skip=true
fi

work="$(mktemp -d -t graft-consumer.XXXXXX)"
mkdir -p "$work/src/main/java/demo"
cat > "$work/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>demo</groupId>
  <artifactId>graft-consumer</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>dev.graft</groupId><artifactId>graft-bom</artifactId><version>$version</version>
        <type>pom</type><scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency><groupId>dev.graft</groupId><artifactId>graft</artifactId></dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId>
        <version>3.14.0</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId>
        <version>3.9.0</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId>
        <version>3.5.4</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId><artifactId>maven-jar-plugin</artifactId>
        <version>3.4.2</version>
      </plugin>
    </plugins>
  </build>
</project>
POM
cat > "$work/src/main/java/demo/Main.java" <<'JAVA'
package demo;

import static dev.graft.dsl.Graft.*;

import dev.graft.dsl.*;
import dev.graft.tensor.*;
import java.util.List;

public class Main {
  public static void main(String[] args) {
    seed(1);
    var inputImage = input(64, 64, 3);
    var x = conv2d(32, 3).activation("relu").on(inputImage);
    x = maxPooling2d().on(x);
    x = flatten().on(x);
    Model modelImage = model(inputImage, dense(128).activation("relu").on(x));

    var inputText = input(100);
    var t = embedding(1000, 32).on(inputText);
    t = lstm(32).on(t);
    Model modelText = model(inputText, dense(128).activation("relu").on(t));

    var imageIn = input("image_input", 64, 64, 3);
    var textIn = input("text_input", 100);
    var merged = concatenate(modelImage.on(imageIn), modelText.on(textIn));
    merged = dense(64).activation("relu").on(merged);
    Model mergedModel = model(List.of(imageIn, textIn), dense(1).activation("sigmoid").on(merged));
    mergedModel.compile(adam(), "binary_crossentropy", "accuracy");
    mergedModel.summary();

    int n = 64;
    Tensor images = Tensor.rand(n, 64, 64, 3);
    Tensor tokens = Tensor.randint(0, 1000, n, 100);
    Tensor labels = Tensor.randint(0, 2, n, 1);
    mergedModel.fit(List.of(images, tokens), labels, epochs(1).batchSize(32).validationSplit(0.2));
    System.out.println("consumer-check: OK, " + mergedModel.countParams() + " parameters");
  }
}
JAVA
cd "$work"
mvn -q "${repo_opts[@]}" "$@" package dependency:build-classpath -Dmdep.outputFile=cp.txt
echo "consumer-check: project in $work; dependencies:"
tr ':' '\n' < cp.txt | sed 's|.*/||' | sort
java=java
[[ -n "${JAVA_HOME:-}" ]] && java="$JAVA_HOME/bin/java"
"$java" -version 2>&1 | head -1
start=$(date +%s.%N)
"$java" -cp "target/classes:$(cat cp.txt)" demo.Main
echo "consumer-check: exited after $(echo "$(date +%s.%N) - $start" | bc) s"
