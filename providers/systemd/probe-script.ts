/**
 * The one script every observe runs on a node (`sh -c PROBE_SCRIPT` with requests on stdin). It is a
 * constant: hostile paths and commands only ever arrive on stdin (as text or base64) and live in
 * quoted variables, so nothing user-supplied is parsed as shell code, except a validateCommand (a
 * `command` request), which is shell code by definition. It runs as `sh -c "$command"` with a 30 s
 * timeout and never as root: as the service's user when that account exists and is not root, else as
 * `nobody`, through `setpriv` with no new privileges (so no setuid program such as sudo regains root),
 * an environment of PATH, HOME, USER and LC_ALL only, in `/`. When neither account exists, or setpriv
 * is missing, the command is not run and answers exit status 126 with the reason.
 */
import { PROBE_BATCHES } from './probe-batches.js';

export const PROBE_SCRIPT = String.raw`# omnitron probe (POSIX sh)
# stdin:  one request per line: ID TAB KIND TAB ARG [TAB ARG], each ARG base64, or "=" and the value
#         itself when it holds no tab, CR or newline (read -r keeps everything else as it is).
# stdout: one line per request: ID TAB STATUS [TAB FIELD]..., each FIELD base64, or "=" and the
#         value itself (printable ASCII), or "~" and the value with \ tab newline written \\ \t \n
#         (printable ASCII, tabs and newlines).
#         STATUS: ok | missing | conflict (something else is there; FIELD 1 says what) | error (FIELD 1 says why).
set -uf
export LC_ALL=C
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
MAX_CONTENT=65536
MAX_ESCAPED=4096
# read takes a system call per byte: past this size one base64 process costs less.
MAX_READ=2048
UNIT_PROPS=LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload,NRestarts,ExecMainCode,ExecMainStatus,FragmentPath
TAB='${'\t'}'
NL='
'
old_ifs=$IFS

arg() {
  case $1 in
    =*) v=${"$"}{1#=} ;;
    '') v= ;;
    *) v=$(printf '%s' "$1" | base64 -d; printf x); v=${"$"}{v%x} ;;
  esac
}
enc() { printf '%s' "$1" | base64 -w0; }
start() { line="$id$TAB$1"; }
# Each process costs a node under load a scheduling wait, so printable ASCII goes as it is (LC_ALL=C:
# the range is bytes), and so do tabs and line breaks in a value of up to MAX_ESCAPED bytes, escaped by
# builtins (each escape copies the rest of the value); anything else (other bytes, long text) is base64.
put() {
  case $1 in
    *[!\ -~$TAB$NL]*) line="$line$TAB$(enc "$1")" ;;
    *[!\ -~]*)
      if [ "${"$"}{#1}" -gt "$MAX_ESCAPED" ]; then line="$line$TAB$(enc "$1")"; return; fi
      subst "$1" '\' '\\'; subst "$e" "$TAB" '\t'; subst "$e" "$NL" '\n'; line="$line$TAB~$e" ;;
    *) line="$line$TAB=$1" ;;
  esac
}
# Sets e to $1 with every $2 replaced by $3.
subst() {
  s=$1; e=
  while :; do
    case $s in *"$2"*) e=$e${"$"}{s%%"$2"*}$3; s=${"$"}{s#*"$2"} ;; *) e=$e$s; return ;; esac
  done
}
putraw() { line="$line$TAB$1"; }
# Spares a base64 process per field: these values are numbers, hashes and account names.
putsafe() { line="$line$TAB=$1"; }
finish() { printf '%s\n' "$line"; }
fail() { start error; put "$1"; finish; }
missing() { start missing; finish; }
conflict() { start conflict; put "$1"; finish; }
# Reads stdin into v as it is, without a process (but read drops NUL bytes).
slurp_exact() {
  v=; l=
  while IFS= read -r l; do v="$v$l$NL"; done
  v="$v$l"
}
# Reads stdin into v as $(cat) would (trailing newlines dropped), without a process.
slurp() {
  slurp_exact
  while :; do case $v in *"$NL") v=${"$"}{v%"$NL"} ;; *) break ;; esac; done
}
kind_of() { stat -c %F -- "$1" 2>/dev/null || echo 'dangling symlink'; }

probe_file() {
  arg "$1"; p=$v; want=$2
  if [ ! -e "$p" ] && [ ! -L "$p" ]; then missing; return; fi
  if [ ! -f "$p" ]; then conflict "$(kind_of "$p")"; return; fi
  batched st; [ -n "$st" ] || { st=$(stat -L -c '%a %U %G %s %Y' -- "$p" 2>&1) || { fail "$st"; return; }; }
  sum=
  # A large artifact carries its sha256 beside it, valid while size and mtime are the ones recorded.
  if [ "$want" = =c ] && [ -f "$p.omnitron-sha256" ]; then
    set -- $st; rec=; { read -r rec || :; } 2>/dev/null <"$p.omnitron-sha256"
    case $rec in *" $4 $5") sum=${"$"}{rec%% *} ;; esac
  fi
  set -- $st
  # A file sent whole is hashed by the reader, from the very bytes sent (the hash field stays empty).
  if [ "$want" = =1 ] && [ "$4" -le "$MAX_CONTENT" ]; then
    size=$4; start ok; putsafe "$1"; putsafe "$2"; putsafe "$3"; putsafe "$4"; putsafe ''
    # Short text is read by builtins; the size stat gave shows the read was exact.
    if [ "$size" -le "$MAX_READ" ] && { slurp_exact; } 2>/dev/null <"$p" && [ "${"$"}{#v}" = "$size" ]; then
      case $v in *[!\ -~$TAB$NL]*) ;; *) put "$v"; finish; return ;; esac
    fi
    body=$(base64 -w0 < "$p" 2>&1) || { fail "$body"; return; }
    putraw "$body"; finish
    return
  fi
  [ -n "$sum" ] || batched sum
  if [ -z "$sum" ]; then sum=$(sha256sum < "$p" 2>&1) || { fail "$sum"; return; }; fi
  start ok; putsafe "$1"; putsafe "$2"; putsafe "$3"; putsafe "$4"; putsafe "${"$"}{sum%% *}"
  finish
}

probe_dir() {
  arg "$1"; p=$v
  if [ ! -e "$p" ] && [ ! -L "$p" ]; then missing; return; fi
  if [ ! -d "$p" ]; then conflict "$(kind_of "$p")"; return; fi
  batched st; [ -n "$st" ] || { st=$(stat -L -c '%a %U %G' -- "$p" 2>&1) || { fail "$st"; return; }; }
  set -- $st
  start ok; putsafe "$1"; putsafe "$2"; putsafe "$3"; finish
}

probe_user() {
  batched user; if [ -n "$user" ]; then start ok; put "$user"; finish; return; fi
  arg "$1"
  if ent=$(getent passwd -- "$v"); then start ok; put "$ent"; finish
  else rc=$?; if [ "$rc" = 2 ]; then missing; else fail "getent passwd exited with $rc"; fi; fi
}

probe_package() {
  batched pkg; if [ -n "$pkg" ]; then start ok; put "$pkg"; finish; return; fi
  arg "$1"
  if out=$(dpkg-query -W -f='${"$"}{db:Status-Abbrev}\t${"$"}{Version}' -- "$v" 2>&1); then start ok; put "$out"; finish
  else case $out in *'no packages found'*) missing ;; *) fail "$out" ;; esac; fi
}

probe_unit() {
  batched unit
  if [ -n "$unit" ]; then out=$unit
  else arg "$1"; out=$(systemctl show -p "$UNIT_PROPS" -- "$v" </dev/null 2>&1) || { fail "$out"; return; }; fi
  fragment_of "$out"
  batched sum
  if [ -z "$sum" ] && [ -n "$frag" ] && [ -f "$frag" ]; then sum=$(sha256sum < "$frag"); sum=${"$"}{sum%% *}; fi
  start ok; put "$out"; putsafe "$sum"; finish
}

# Sets frag to the FragmentPath in systemctl show output $1 (empty when there is none).
fragment_of() {
  frag=
  case $NL$1 in *"${"$"}{NL}FragmentPath="*) frag=$NL$1; frag=${"$"}{frag#*"${"$"}{NL}FragmentPath="}; frag=${"$"}{frag%%"$NL"*} ;; esac
}

probe_marker() {
  arg "$1"
  if [ ! -e "$v" ]; then missing; return; fi
  if [ -d "$v" ]; then fail "$v: Is a directory"; return; fi
  f=$v
  { slurp; } 2>/dev/null <"$f" || { fail "$f: cannot be read"; return; }
  start ok; put "$v"; finish
}

probe_release() {
  arg "$1"; r=$v
  if [ ! -e "$r" ]; then missing; return; fi
  if [ ! -d "$r" ]; then conflict "$(kind_of "$r")"; return; fi
  batched cur; if [ -z "$cur" ] && [ -L "$r/current" ]; then cur=$(readlink -- "$r/current"); fi
  rels=
  if [ -d "$r/releases" ]; then
    set +f
    for e in "$r/releases"/* "$r/releases"/.[!.]* "$r/releases"/..?*; do
      if [ -e "$e" ] || [ -L "$e" ]; then rels="$rels${"$"}{rels:+$NL}${"$"}{e##*/}"; fi
    done
    set -f
  fi
  start ok; put "$cur"; put "$rels"; finish
}

# Sets run_uid, run_gid, run_home and run_user to the first of the service's user ($1) and nobody
# that exists and is not root; fails when neither does.
unprivileged_user() {
  for u in "$1" nobody; do
    [ -n "$u" ] || continue
    passwd_entry "$u" || continue
    IFS=:; set -- $ent; IFS=$old_ifs
    [ "$3" != 0 ] || continue
    run_user=$1; run_uid=$3; run_gid=$4; run_home=$6
    return 0
  done
  return 1
}

# Sets ent to the passwd entry of $1: the one pass 1 read for a user request, else looked up (nobody's
# once per run).
passwd_entry() {
  for j in ${"$"}{user_ids-}; do
    eval "name=\$u_name_$j"
    if [ "$name" = "$1" ]; then eval "ent=\$b_user_$j"; return 0; fi
  done
  if [ "$1" != nobody ]; then ent=$(getent passwd -- "$1"); return; fi
  [ -n "${"$"}{nobody_ent+x}" ] || nobody_ent=$(getent passwd -- nobody) || nobody_ent=
  ent=$nobody_ent; [ -n "$ent" ]
}

# Once per run, at its first validateCommand: who the probe runs as (its effective uid, from /proc
# without a process where there is one), whether setpriv is there, and a private (0700) directory for
# the commands' stderr, one file each, removed when the probe ends.
command_setup() {
  [ -z "${"$"}{self_uid-}" ] || return 0
  { while read -r key real eff rest; do [ "$key" != Uid: ] || { self_uid=$eff; break; }; done; } 2>/dev/null </proc/self/status
  [ -n "${"$"}{self_uid-}" ] || self_uid=$(id -u)
  self_user=
  [ "$self_uid" = 0 ] || self_user=$(id -un 2>/dev/null) || self_user=$self_uid
  has_setpriv=; if command -v setpriv >/dev/null 2>&1; then has_setpriv=1; fi
  errdir=$(mktemp -d) || errdir=
}

# A validateCommand, never as root (see the header). Answers: exit status, stdout, stderr, the user it ran as.
probe_command() {
  command_setup
  arg "$1"; cmd=$v; arg "$2"; want_user=$v
  [ -n "$errdir" ] || { fail 'mktemp failed'; return; }
  errfile=$errdir/$i
  run_user=
  if [ "$self_uid" != 0 ]; then
    run_user=$self_user
    got=$(cd / && timeout 30 sh -c "$cmd" </dev/null 2>"$errfile"); rc=$?
  elif [ -z "$has_setpriv" ]; then
    got=; rc=126; printf '%s' 'omnitron runs validateCommand only as an unprivileged user, through setpriv (util-linux), which is not installed' >"$errfile"
  elif ! unprivileged_user "$want_user"; then
    got=; rc=126; printf '%s' "omnitron runs validateCommand only as an unprivileged user: ${"$"}{want_user:+the service user $want_user does not exist or is root, and }there is no user nobody" >"$errfile"
  else
    got=$(cd / && timeout 30 setpriv --reuid="$run_uid" --regid="$run_gid" --init-groups --no-new-privs -- \
      env -i PATH="$PATH" LC_ALL=C HOME="$run_home" USER="$run_user" LOGNAME="$run_user" sh -c "$cmd" </dev/null 2>"$errfile"); rc=$?
  fi
  { slurp; } 2>/dev/null <"$errfile" || v=
  start ok; putsafe "$rc"; put "$got"; put "$v"; putsafe "$run_user"; finish
}

${PROBE_BATCHES}
# Pass 1: every request, kept; one process for each kind of read there is: stat (files, directories),
# readlink (releases' current links), getent, dpkg-query, systemctl show, sha256sum (files and unit files).
# Each process costs a busy node a wait for a CPU.
n=0
while IFS=$TAB read -r id kind a b; do
  eval "q_id_$n=\$id; q_kind_$n=\$kind; q_a_$n=\$a; q_b_$n=\${b-}"
  n=$((n + 1))
done
for pass in st cur usr pkg unit sum; do
  set --; ids=; i=0
  while [ "$i" -lt "$n" ]; do
    eval "kind=\$q_kind_$i; a=\$q_a_$i; b=\$q_b_$i"
    case $pass.$kind in
      st.file) arg "$a"; if [ -f "$v" ]; then set -- "$@" "$v"; ids="$ids $i"; fi ;;
      st.dir) arg "$a"; if [ -d "$v" ]; then set -- "$@" "$v"; ids="$ids $i"; fi ;;
      cur.release) arg "$a"; if [ -d "$v" ] && [ -L "$v/current" ]; then set -- "$@" "$v/current"; ids="$ids $i"; fi ;;
      usr.user | pkg.package | unit.unit) arg "$a"; set -- "$@" "$v"; ids="$ids $i" ;;
      sum.file) batched st; size=${"$"}{st#* * * }; size=${"$"}{size%% *}
        if [ -n "$st" ] && { [ "$b" = =0 ] || { [ "$b" = =1 ] && [ "$size" -gt "$MAX_CONTENT" ]; }; }; then arg "$a"; set -- "$@" "$v"; ids="$ids $i"; fi ;;
      sum.unit) batched unit; fragment_of "$unit"; if [ -n "$frag" ] && [ -f "$frag" ]; then set -- "$@" "$frag"; ids="$ids $i"; fi ;;
    esac
    i=$((i + 1))
  done
  case $pass in
    st) batch st stat -L -c '%a %U %G %s %Y' -- "$@" ;;
    cur) batch cur readlink -- "$@" ;;
    usr) batch_users "$@" ;;
    pkg) batch_packages "$@" ;;
    unit) batch_units "$@" ;;
    sum) batch_sums "$@" ;;
  esac
done

# Pass 2: the answers, in order.
i=0
while [ "$i" -lt "$n" ]; do
  eval "id=\$q_id_$i; kind=\$q_kind_$i; a=\$q_a_$i; b=\$q_b_$i"
  case $kind in
    file) probe_file "$a" "$b" ;;
    dir) probe_dir "$a" ;;
    user) probe_user "$a" ;;
    package) probe_package "$a" ;;
    unit) probe_unit "$a" ;;
    marker) probe_marker "$a" ;;
    release) probe_release "$a" ;;
    command) probe_command "$a" "$b" ;;
    *) fail "unknown request kind $kind" ;;
  esac
  i=$((i + 1))
done
[ -z "${"$"}{errdir-}" ] || rm -rf -- "$errdir"
`;
