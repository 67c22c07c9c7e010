#!/bin/sh
# Installs a released secoda-sync binary: downloads this machine's archive and its sha256
# checksum from the GitHub release, checks the one against the other, and puts the binary in
# a directory. Each release attaches this script as `secoda-sync-installer.sh`:
#
#   curl -fsSL https://github.com/secoda-sync/secoda-sync/releases/latest/download/secoda-sync-installer.sh | sh
#
# The composite Action (`action.yml`) runs it from its own checkout.
#
# Environment:
#   SECODA_SYNC_VERSION      a version (0.2.0 or v0.2.0) or `latest`; the release workflow
#                            writes the release's own version as the default below
#   SECODA_SYNC_INSTALL_DIR  where the binary goes (default: $HOME/.local/bin)
#   SECODA_SYNC_REPOSITORY   owner/name of the repository whose releases to read
#   SECODA_SYNC_DOWNLOAD_URL where the release's files are instead (a mirror: https:// or
#                            file://); the version then only names what is installed
#
# Linux builds are static (musl), so one archive serves every distribution.
set -eu

default_version=latest
version=${SECODA_SYNC_VERSION:-$default_version}
repository=${SECODA_SYNC_REPOSITORY:-secoda-sync/secoda-sync}
install_dir=${SECODA_SYNC_INSTALL_DIR:-$HOME/.local/bin}

fail() {
    echo "secoda-sync installer: $*" >&2
    exit 1
}

case "$(uname -m)" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) fail "no release build for the processor $(uname -m); try \`cargo install --locked secoda-sync\`" ;;
esac
case "$(uname -s)" in
    Linux) target="$arch-unknown-linux-musl" suffix=.tar.gz binary=secoda-sync ;;
    Darwin) target="$arch-apple-darwin" suffix=.tar.gz binary=secoda-sync ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT)
        [ "$arch" = x86_64 ] || fail "no release build for Windows on $arch"
        target=x86_64-pc-windows-msvc suffix=.zip binary=secoda-sync.exe
        ;;
    *) fail "no release build for $(uname -s); try \`cargo install --locked secoda-sync\`" ;;
esac

archive="secoda-sync-$target$suffix"
case "${SECODA_SYNC_DOWNLOAD_URL:+mirror}$version" in
    mirror*) base=$SECODA_SYNC_DOWNLOAD_URL ;;
    latest) base="https://github.com/$repository/releases/latest/download" ;;
    v*) base="https://github.com/$repository/releases/download/$version" ;;
    *) base="https://github.com/$repository/releases/download/v$version" ;;
esac

download() { # URL FILE
    if command -v curl >/dev/null 2>&1; then
        curl --proto '=https,file' --tlsv1.2 --fail --silent --show-error --location --retry 3 \
            --output "$2" "$1"
    elif command -v wget >/dev/null 2>&1; then
        wget --quiet --output-document "$2" "$1"
    else
        fail "needs curl or wget"
    fi
}

sha256_of() { # FILE
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d ' ' -f 1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d ' ' -f 1
    else
        fail "needs sha256sum or shasum to check the download"
    fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "Downloading $archive ($version) from $base" >&2
download "$base/$archive" "$work/$archive" || fail "could not download $base/$archive"
download "$base/$archive.sha256" "$work/$archive.sha256" ||
    fail "could not download the checksum $base/$archive.sha256"
expected=$(cut -d ' ' -f 1 <"$work/$archive.sha256")
actual=$(sha256_of "$work/$archive")
[ "$expected" = "$actual" ] ||
    fail "checksum mismatch for $archive: expected $expected, got $actual (a broken download?)"

case "$suffix" in
    .tar.gz) tar -xzf "$work/$archive" -C "$work" ;;
    .zip) unzip -q "$work/$archive" -d "$work" ;;
esac
mkdir -p "$install_dir"
cp "$work/secoda-sync-$target/$binary" "$install_dir/$binary"
chmod +x "$install_dir/$binary"
echo "Installed $install_dir/$binary" >&2
case ":$PATH:" in
    *":$install_dir:"*) ;;
    *) echo "Note: $install_dir is not on PATH; add it, or set SECODA_SYNC_INSTALL_DIR" >&2 ;;
esac
