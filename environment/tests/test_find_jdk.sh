#!/usr/bin/env bash
# Tests of cbtm_java_home (environment/lib.sh) on fake JDK folders: no real JDK is needed.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
ok()   { passed=$((passed+1)); printf 'ok   %s\n' "$1"; }
fail() { failed=$((failed+1)); printf 'FAIL %s\n' "$1"; }

fake_jdk() { # fake_jdk DIR VERSION: a folder that looks like a JDK of that version
  mkdir -p "$1/bin"
  printf '#!/bin/sh\necho fake\n' > "$1/bin/java"; cp "$1/bin/java" "$1/bin/javac"; chmod +x "$1/bin/java" "$1/bin/javac"
  printf 'JAVA_VERSION="%s"\n' "$2" > "$1/release"
}

jvm="$tmp/jvm"
fake_jdk "$jvm/java-17-openjdk" 17.0.15
fake_jdk "$jvm/temurin-21" 21.0.5
fake_jdk "$jvm/temurin-25" 25.0.1
fake_jdk "$jvm/java-8" 1.8.0_392
ln -s "$jvm/temurin-25" "$jvm/default-java"
mkdir -p "$jvm/not-a-jdk"

got=$(CBTM_JVM_DIR="$jvm" JAVA_HOME= cbtm_java_home 2>/dev/null)
[ "$got" = "$jvm/temurin-25" ] && ok "picks the newest JDK >= 21" || fail "picks the newest JDK >= 21 (got '$got')"

got=$(CBTM_JVM_DIR="$jvm" JAVA_HOME="$jvm/temurin-21" cbtm_java_home 2>/dev/null)
[ "$got" = "$jvm/temurin-21" ] && ok "a JAVA_HOME >= 21 wins" || fail "a JAVA_HOME >= 21 wins (got '$got')"

got=$(CBTM_JVM_DIR="$jvm" JAVA_HOME="$jvm/java-17-openjdk" cbtm_java_home 2>/dev/null)
[ "$got" = "$jvm/temurin-25" ] && ok "a JAVA_HOME of 17 is passed over" || fail "a JAVA_HOME of 17 is passed over (got '$got')"

[ "$(cbtm_jdk_version "$jvm/java-8")" = 8 ] && ok "1.8 reads as 8" || fail "1.8 reads as 8"
cbtm_jdk_version "$jvm/not-a-jdk" >/dev/null && fail "a folder without bin/java is not a JDK" || ok "a folder without bin/java is not a JDK"

old="$tmp/old"; fake_jdk "$old/java-17" 17.0.2; fake_jdk "$old/java-11" 11.0.9
err=$(CBTM_JVM_DIR="$old" JAVA_HOME= cbtm_java_home 2>&1 >/dev/null); rc=$?
[ $rc -ne 0 ] && ok "fails when no JDK >= 21 exists" || fail "fails when no JDK >= 21 exists"
case "$err" in *"no JDK >= 21 found"*"java-11 (11)"*"java-17 (17)"*"JAVA_HOME"*) ok "the failure names what it saw and what to do" ;;
  *) fail "the failure names what it saw and what to do (got: $err)" ;; esac

err=$(CBTM_JVM_DIR="$tmp/nothing" JAVA_HOME= cbtm_java_home 2>&1 >/dev/null); rc=$?
[ $rc -ne 0 ] && [[ "$err" == *"nothing under $tmp/nothing"* ]] && ok "an empty JVM folder fails clearly" || fail "an empty JVM folder fails clearly ($err)"

echo "find-jdk: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
