#!/usr/bin/env bash
# Installs terrarium-controller on a Raspberry Pi (Raspberry Pi OS / Debian Bookworm or Trixie),
# from a clone (after `npm ci && npm run build`, or with --build) or from the npm package
# (`sudo "$(npm root -g)/terrarium-controller/systemd/install.sh"`).
#
#   sudo systemd/install.sh                 install or update from this checkout or package
#   sudo systemd/install.sh --dry-run       print what would be done, change nothing
#   systemd/install.sh --prefix /tmp/root   install the files under a root dir, no root needed
#                                           (skips apt, users, npm, systemctl and the check)
#
# Idempotent: a second run changes nothing and says so. Never overwrites the keeper's
# /etc/terrarium/config.json. Says what it did at each step.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: install.sh [--dry-run] [--prefix DIR] [--source DIR] [--build]

  --dry-run      print the actions without changing anything
  --prefix DIR   install below DIR instead of / (also: DESTDIR=DIR); system steps are skipped
  --source DIR   the app to install (default: the checkout this script is in)
  --build        run `npm ci && npm run build` in the source first (default: only if dist/ is missing)
EOF
}

DRY_RUN=0
PREFIX="${DESTDIR:-}"
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY_RUN=1 ;;
    --prefix) PREFIX="${2:?--prefix needs a directory}"; shift ;;
    --prefix=*) PREFIX="${1#--prefix=}" ;;
    --source) SRC="${2:?--source needs a directory}"; shift ;;
    --source=*) SRC="${1#--source=}" ;;
    --build) BUILD=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
PREFIX="${PREFIX%/}"
# System steps (apt, users, raspi-config, npm, chown, systemctl, check) run only on the real root.
SYSTEM=1
[ -n "$PREFIX" ] && SYSTEM=0

APP="$PREFIX/opt/terrarium"
ETC="$PREFIX/etc/terrarium"
STATE="$PREFIX/var/lib/terrarium"
UNIT_DIR="$PREFIX/etc/systemd/system"
UNIT="$UNIT_DIR/terrarium.service"
DROPIN="$UNIT_DIR/terrarium.service.d/sysfs-gpio.conf"
NODE_BIN=/usr/bin/node
CHANGES=0
REBOOT=0
UNIT_CHANGED=0
RESULT=0

step() { printf '\n==> %s\n' "$*"; }
did() { CHANGES=$((CHANGES + 1)); if [ "$DRY_RUN" = 1 ]; then printf '    would: %s\n' "$*"; else printf '    done: %s\n' "$*"; fi; }
ok() { printf '    ok: %s\n' "$*"; }
skip() { printf '    skipped: %s\n' "$*"; }
warn() { printf '    WARNING: %s\n' "$*" >&2; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
# Runs a command, or only prints it in dry-run mode.
run() { if [ "$DRY_RUN" = 1 ]; then printf '    would run: %s\n' "$*"; else "$@"; fi; }

# install_file SRC DEST MODE: copies when content or mode differ; sets INSTALLED=1 when it
# changed something, else INSTALLED=0. Called as a plain command (not in an `if`), so `set -e`
# stays in force inside and a failed copy stops the installer.
INSTALLED=0
install_file() {
  local src="$1" dest="$2" mode="$3"
  INSTALLED=0
  if [ -f "$dest" ] && cmp -s "$src" "$dest"; then
    local have
    have="$(stat -c %a "$dest")"
    [ "$have" = "${mode#0}" ] && return 0
    [ "$DRY_RUN" = 1 ] || chmod "$mode" "$dest"
    INSTALLED=1
    return 0
  fi
  if [ "$DRY_RUN" = 0 ]; then
    mkdir -p "$(dirname "$dest")"
    install -m "$mode" "$src" "$dest"
  fi
  INSTALLED=1
}

# ensure_dir DIR MODE [OWNER:GROUP]
ensure_dir() {
  local dir="$1" mode="$2" owner="${3:-}"
  if [ ! -d "$dir" ]; then
    run mkdir -p -m "$mode" "$dir"
    did "created $dir"
  elif [ "$(stat -c %a "$dir")" != "${mode#0}" ]; then
    run chmod "$mode" "$dir"
    did "set mode $mode on $dir"
  fi
  if [ "$SYSTEM" = 1 ] && [ -n "$owner" ] && { [ ! -d "$dir" ] || [ "$(stat -c %U:%G "$dir")" != "$owner" ]; }; then
    run chown "$owner" "$dir"
    did "set owner $owner on $dir"
  fi
}

# ensure_config_line FILE REGEX LINE: appends LINE (under an [all] section) unless REGEX matches.
ensure_config_line() {
  local file="$1" regex="$2" line="$3"
  if grep -Eq "$regex" "$file"; then
    ok "$file already has $(grep -Em1 "$regex" "$file")"
    return
  fi
  if [ "$DRY_RUN" = 0 ]; then
    # A line after a model filter ([pi4], [cm5]) would only apply to that model.
    if [ "$(grep -E '^[[:space:]]*\[' "$file" | tail -n1 | tr -d '[:space:]')" != "[all]" ] && grep -Eq '^[[:space:]]*\[' "$file"; then
      printf '[all]\n' >>"$file"
    fi
    printf '%s\n' "$line" >>"$file"
  fi
  did "added '$line' to $file"
  REBOOT=1
}

step "Preflight"
[ -f "$SRC/package.json" ] || die "no package.json in $SRC (use --source)"
if [ "$SYSTEM" = 1 ]; then
  [ "$(id -u)" = 0 ] || [ "$DRY_RUN" = 1 ] || die "run as root: sudo $0"
  [ -f /etc/debian_version ] || die "this installer supports Debian / Raspberry Pi OS only"
  if grep -qs 'Raspberry Pi' /proc/device-tree/model; then
    ok "$(tr -d '\0' </proc/device-tree/model), Debian $(cat /etc/debian_version)"
  else
    warn "not a Raspberry Pi: I2C/1-Wire settings will be written but do nothing here"
  fi
else
  ok "installing below $PREFIX (system steps skipped)"
fi

step "System packages (Node.js >= 20, gpiod, build tools for native addons)"
if [ "$SYSTEM" = 1 ]; then
  missing=()
  for pkg in gpiod build-essential python3; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$node_major" -lt 20 ]; then
    candidate="$(apt-cache policy nodejs 2>/dev/null | awk '/Candidate:/ { print $2 }' | sed -E 's/^[0-9]+://; s/\..*//')"
    [ "${candidate:-0}" -ge 20 ] 2>/dev/null ||
      die "Node.js >= 20 needed (have ${node_major}, apt offers ${candidate:-none}): on Bookworm add the NodeSource repository as docs/install.md shows (https://github.com/nodesource/distributions), then rerun"
    missing+=(nodejs)
    command -v npm >/dev/null || missing+=(npm)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    run apt-get update -qq
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    did "installed ${missing[*]}"
  else
    ok "node $(node --version), gpiod, build-essential, python3 present"
  fi
  if [ "$DRY_RUN" = 0 ] || command -v node >/dev/null; then NODE_BIN="$(command -v node || echo /usr/bin/node)"; fi
  case "$NODE_BIN" in
    /home/* | /root/*) die "node is at $NODE_BIN, which the service cannot see (ProtectHome=yes): install Node.js system-wide" ;;
  esac
else
  skip "apt (prefix install)"
fi

step "Service user 'terrarium' in groups gpio and i2c"
if [ "$SYSTEM" = 1 ]; then
  for g in gpio i2c; do
    if getent group "$g" >/dev/null; then ok "group $g exists"; else run groupadd --system "$g"; did "created group $g"; fi
  done
  if id terrarium >/dev/null 2>&1; then
    ok "user terrarium exists"
  else
    run useradd --system --user-group --home-dir /var/lib/terrarium --no-create-home --shell /usr/sbin/nologin terrarium
    did "created system user terrarium"
  fi
  for g in gpio i2c; do
    if id -nG terrarium 2>/dev/null | tr ' ' '\n' | grep -qx "$g"; then ok "terrarium is in $g"; else run usermod -aG "$g" terrarium; did "added terrarium to $g"; fi
  done
else
  skip "users and groups (prefix install)"
fi

step "I2C and 1-Wire (DS18B20 on GPIO4)"
BOOT_CONFIG=""
for f in "$PREFIX/boot/firmware/config.txt" "$PREFIX/boot/config.txt"; do
  if [ -f "$f" ]; then BOOT_CONFIG="$f"; break; fi
done
if [ "$SYSTEM" = 1 ] && command -v raspi-config >/dev/null; then
  # raspi-config's get_i2c prints 0 when I2C is enabled.
  if [ "$(raspi-config nonint get_i2c)" = 0 ]; then ok "I2C enabled"; else run raspi-config nonint do_i2c 0; did "enabled I2C (raspi-config)"; REBOOT=1; fi
elif [ -n "$BOOT_CONFIG" ]; then
  ensure_config_line "$BOOT_CONFIG" '^[[:space:]]*dtparam=i2c_arm=on' 'dtparam=i2c_arm=on'
fi
if [ -n "$BOOT_CONFIG" ]; then
  ensure_config_line "$BOOT_CONFIG" '^[[:space:]]*dtoverlay=w1-gpio([,[:space:]]|$)' 'dtoverlay=w1-gpio,gpiopin=4'
else
  skip "no boot config.txt found (not a Raspberry Pi image): I2C and 1-Wire left as they are"
fi
MODULES="$PREFIX/etc/modules-load.d/terrarium.conf"
if [ -f "$MODULES" ] && grep -qx 'i2c-dev' "$MODULES"; then
  ok "$MODULES loads i2c-dev"
else
  if [ "$DRY_RUN" = 0 ]; then mkdir -p "$(dirname "$MODULES")"; printf 'i2c-dev\n' >>"$MODULES"; fi
  did "load i2c-dev at boot ($MODULES)"
fi

step "Application in $APP"
if [ "$BUILD" = 1 ] || [ ! -f "$SRC/dist/src/cli/main.js" ]; then
  [ "$SYSTEM" = 1 ] || die "no $SRC/dist/src/cli/main.js: run 'npm ci && npm run build' in $SRC first"
  # As the checkout's owner, so root does not leave root-owned files in it.
  run runuser -u "$(stat -c %U "$SRC")" -- sh -c "cd '$SRC' && npm ci --no-audit --no-fund && npm run build"
  did "built dist/ in $SRC"
fi
ensure_dir "$APP" 0755 root:root
app_changes=0
managed=(package.json package-lock.json README.md LICENSE CHANGELOG.md dist config docs systemd hardware simulators/scenarios)
while IFS= read -r rel; do
  mode=0644
  [ -x "$SRC/$rel" ] && mode=0755
  install_file "$SRC/$rel" "$APP/$rel" "$mode"
  app_changes=$((app_changes + INSTALLED))
done < <(cd "$SRC" && for m in "${managed[@]}"; do [ -e "$m" ] && find "$m" -type f; done | sort)
# Files left from an older version of the app.
while IFS= read -r rel; do
  [ -e "$SRC/$rel" ] && continue
  run rm -f "$APP/$rel"
  app_changes=$((app_changes + 1))
done < <(cd "$APP" 2>/dev/null && for m in "${managed[@]}"; do [ -e "$m" ] && find "$m" -type f; done | sort)
if [ "$app_changes" -gt 0 ]; then did "updated $app_changes file(s) in $APP"; else ok "$APP is up to date"; fi

step "Production dependencies"
# A clone has package-lock.json (npm ci, exact versions); the npm package does not ship one
# (npm install --omit=dev from package.json). Either way the file's hash marks what is installed.
LOCK_MARK="$APP/.package-lock.sha256"
if [ -f "$SRC/package-lock.json" ]; then
  LOCK_SRC="$SRC/package-lock.json"
  NPM_INSTALL="npm ci --omit=dev --no-audit --no-fund"
else
  LOCK_SRC="$SRC/package.json"
  NPM_INSTALL="npm install --omit=dev --no-audit --no-fund --no-package-lock"
fi
if [ "$SYSTEM" = 1 ]; then
  want="$(sha256sum "$LOCK_SRC")"
  want="${want%% *}"
  have="$(cat "$LOCK_MARK" 2>/dev/null || true)"
  if [ -d "$APP/node_modules" ] && [ "$have" = "$want" ]; then
    ok "node_modules matches $(basename "$LOCK_SRC")"
  else
    run sh -c "cd '$APP' && $NPM_INSTALL"
    # vega and vega-lite (~35 MB) only draw `terrarium simulate --report` charts: not on the Pi.
    run sh -c "cd '$APP' && npm uninstall --no-save --omit=dev --no-audit --no-fund vega vega-lite"
    [ "$DRY_RUN" = 1 ] || printf '%s\n' "$want" >"$LOCK_MARK"
    did "installed production dependencies ($NPM_INSTALL)"
  fi
else
  skip "npm install (prefix install)"
fi

step "terrarium on PATH"
BIN="$PREFIX/usr/local/bin/terrarium"
wrapper_tmp="$(mktemp)"
trap 'rm -f "$wrapper_tmp" "${unit_tmp:-}"' EXIT
printf '#!/bin/sh\n# terrarium-controller: installed by systemd/install.sh\nexec %s /opt/terrarium/dist/src/cli/main.js "$@"\n' "$NODE_BIN" >"$wrapper_tmp"
if [ -e "$BIN" ] && ! grep -qs 'installed by systemd/install.sh' "$BIN"; then
  ok "$BIN exists and is not ours (an npm global install?): left alone"
else
  install_file "$wrapper_tmp" "$BIN" 0755
  if [ "$INSTALLED" = 1 ]; then did "installed $BIN"; else ok "$BIN is up to date"; fi
fi

step "Configuration /etc/terrarium/config.json"
ensure_dir "$ETC" 0750 root:terrarium
if [ -f "$ETC/config.json" ]; then
  ok "keeping the existing $ETC/config.json (never overwritten)"
else
  if [ "$DRY_RUN" = 0 ]; then install -m 0640 "$SRC/config/example-pi.json" "$ETC/config.json"; fi
  if [ "$SYSTEM" = 1 ]; then run chown root:terrarium "$ETC/config.json"; fi
  did "wrote $ETC/config.json from config/example-pi.json: set your DS18B20 id and time zone"
fi
ensure_dir "$STATE" 0750 terrarium:terrarium

step "systemd unit"
unit_tmp="$(mktemp)"
sed "s#/usr/bin/node #$NODE_BIN #g" "$SRC/systemd/terrarium.service" >"$unit_tmp"
install_file "$unit_tmp" "$UNIT" 0644
if [ "$INSTALLED" = 1 ]; then did "installed $UNIT"; UNIT_CHANGED=1; else ok "$UNIT is up to date"; fi
driver=libgpiod
if [ -f "$ETC/config.json" ] && command -v node >/dev/null; then
  # shellcheck disable=SC2016
  if ! driver="$(node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(String(c.hardware?.gpio?.driver ?? "libgpiod"))' "$ETC/config.json" 2>/dev/null)"; then
    driver=unknown
  fi
fi
if [ "$driver" = unknown ]; then
  warn "$ETC/config.json is not valid JSON: sysfs GPIO drop-in left as it is (terrarium check will name the problem)"
elif [ "$driver" = sysfs ]; then
  install_file "$SRC/systemd/sysfs-gpio.conf" "$DROPIN" 0644
  if [ "$INSTALLED" = 1 ]; then did "installed $DROPIN (sysfs GPIO backend)"; UNIT_CHANGED=1; else ok "$DROPIN is up to date"; fi
elif [ -f "$DROPIN" ]; then
  run rm -f "$DROPIN"
  did "removed $DROPIN (GPIO driver is $driver)"
  UNIT_CHANGED=1
else
  ok "GPIO driver $driver: no sysfs drop-in needed"
fi
if [ "$SYSTEM" = 1 ]; then
  if [ "$UNIT_CHANGED" = 1 ]; then run systemctl daemon-reload; fi
  if systemctl is-enabled --quiet terrarium.service 2>/dev/null; then ok "terrarium.service enabled"; else run systemctl enable terrarium.service; did "enabled terrarium.service (starts at boot)"; fi
else
  skip "systemctl (prefix install)"
fi

step "terrarium check"
if [ "$SYSTEM" = 0 ]; then
  skip "check (prefix install)"
elif [ "$REBOOT" = 1 ]; then
  skip "I2C/1-Wire were just enabled: reboot, then run: sudo -u terrarium terrarium check --config $ETC/config.json"
elif [ "$DRY_RUN" = 1 ]; then
  printf '    would run: runuser -u terrarium -- %s %s/dist/src/cli/main.js check --config %s/config.json\n' "$NODE_BIN" "$APP" "$ETC"
elif runuser -u terrarium -- "$NODE_BIN" "$APP/dist/src/cli/main.js" check --config "$ETC/config.json"; then
  if [ "$CHANGES" -gt 0 ] || ! systemctl is-active --quiet terrarium.service; then
    systemctl restart terrarium.service
    did "(re)started terrarium.service"
  else
    ok "terrarium.service running, nothing changed"
  fi
else
  warn "check failed: fix $ETC/config.json or the wiring (docs/hardware.md), then: sudo systemctl restart terrarium"
  RESULT=1
fi

step "Summary"
if [ "$CHANGES" = 0 ]; then
  echo "    nothing changed: already installed"
elif [ "$DRY_RUN" = 1 ]; then
  echo "    dry run: $CHANGES change(s) would be made"
else
  echo "    $CHANGES change(s) made"
fi
if [ "$REBOOT" = 1 ]; then echo "    reboot to apply the I2C / 1-Wire settings: sudo reboot"; fi
exit "$RESULT"
