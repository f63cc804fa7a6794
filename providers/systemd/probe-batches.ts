/**
 * The probe's batched reads (a shell fragment of PROBE_SCRIPT): pass 1 runs one process for each kind
 * of read there is (stat, readlink, getent, dpkg-query, systemctl show, sha256sum) for every request
 * of that kind, and stores each request's part of the output as b_NAME_<request index>. A batch is all
 * or nothing: when its output does not line up exactly with its requests, none is stored and each
 * request runs its own command in pass 2, which answers (and words any error) as it always has.
 */
export const PROBE_BATCHES = String.raw`# The value pass 1 stored for request $i under NAME (stat fields, a link target, a user's entry, a
# package's status, a unit's properties, a file's hash), or empty: then the request runs its own
# command, which also words any error exactly.
batched() { eval "$1=\${b_$1_$i-}"; }

# Batches $# paths through one command ($1, its options) and stores each output line as b_NAME_<i>
# for the requests in $ids; all or nothing (a path that vanished meanwhile leaves each to its own).
batch() {
  name=$1; shift
  [ -n "$ids" ] || return 0
  out=$("$@" 2>/dev/null) || return 0
  IFS=$NL; set -- $out; IFS=$old_ifs
  count=0; for i in $ids; do count=$((count + 1)); done
  [ "$#" = "$count" ] || return 0
  for i in $ids; do eval "b_${"$"}{name}_$i=\$1"; shift; done
}

# One getent for every user request: entries in argument order, each naming its user. All or nothing:
# a missing user (exit 2), an entry that names another (a numeric name finds one by uid).
batch_users() {
  [ -n "$ids" ] || return 0
  out=$(getent passwd -- "$@" 2>&1) || return 0
  for i in $ids; do eval "u_name_$i=\$1"; shift; done
  IFS=$NL; set -- $out; IFS=$old_ifs
  for i in $ids; do
    [ "$#" -gt 0 ] || return 0
    eval "name=\$u_name_$i"
    case $1 in "$name":*) eval "u_ent_$i=\$1" ;; *) return 0 ;; esac
    shift
  done
  [ "$#" = 0 ] || return 0
  for i in $ids; do eval "b_user_$i=\$u_ent_$i"; done
  user_ids=$ids
}

# One dpkg-query for every package request. It prints in its database's order, once per package, so
# each line names its package; all or nothing: a missing package (non-zero exit), a line for no
# request or for two (multi-arch, a pattern), anything on stderr leaves each request to its own query.
batch_packages() {
  [ -n "$ids" ] || return 0
  out=$(dpkg-query -W -f='${"$"}{Package}\t${"$"}{db:Status-Abbrev}\t${"$"}{Version}\n' -- "$@" 2>&1) || return 0
  count=0; for i in $ids; do eval "p_name_$i=\$1"; shift; count=$((count + 1)); done
  IFS=$NL; set -- $out; IFS=$old_ifs
  [ "$#" = "$count" ] || return 0
  for i in $ids; do
    eval "name=\$p_name_$i"; hit=
    for l in "$@"; do
      case $l in "$name$TAB"*) [ -z "$hit" ] || return 0; hit=${"$"}{l#"$name$TAB"} ;; esac
    done
    case $hit in *"$TAB"*"$TAB"*) return 0 ;; ???"$TAB"*) eval "p_hit_$i=\$hit" ;; *) return 0 ;; esac
  done
  for i in $ids; do eval "b_pkg_$i=\$p_hit_$i"; done
}

# One systemctl show for every unit request: a block per unit, in argument order, blank lines between.
# All or nothing: a block may hold only the asked properties, once each (anything on stderr, such as a
# unit name systemd had to escape, is no such line), and there must be one block per unit.
batch_units() {
  [ -n "$ids" ] || return 0
  out=$(systemctl show -p "$UNIT_PROPS" -- "$@" </dev/null 2>&1) || return 0
  rest=$out
  for i in $ids; do
    [ -n "$rest" ] || return 0
    block=${"$"}{rest%%"$NL$NL"*}; rest=${"$"}{rest#"$block"}; rest=${"$"}{rest#"$NL$NL"}
    case $block in '' | "$NL"* | *"$NL") return 0 ;; esac
    seen=,; IFS=$NL; set -- $block; IFS=$old_ifs
    for l in "$@"; do
      key=${"$"}{l%%=*}
      case $l in *=*) ;; *) return 0 ;; esac
      case ,$UNIT_PROPS, in *",$key,"*) ;; *) return 0 ;; esac
      case $seen in *",$key,"*) return 0 ;; esac
      seen="$seen$key,"
    done
    eval "u_block_$i=\$block"
  done
  [ -z "$rest" ] || return 0
  for i in $ids; do eval "b_unit_$i=\$u_block_$i"; done
}

# One sha256sum for every file hashed here (not sent whole, no valid recorded hash) and every unit's
# fragment file; each line must be the hash and that very path (a path sha256sum escapes is not), else
# each request hashes its own.
batch_sums() {
  [ -n "$ids" ] || return 0
  out=$(sha256sum -- "$@" 2>/dev/null) || return 0
  for i in $ids; do eval "s_path_$i=\$1"; shift; done
  IFS=$NL; set -- $out; IFS=$old_ifs
  for i in $ids; do
    [ "$#" -gt 0 ] || return 0
    eval "p=\$s_path_$i"; h=${"$"}{1%"  $p"}; shift
    case $h in *[!0-9a-f]*) return 0 ;; esac
    [ "${"$"}{#h}" = 64 ] || return 0
    eval "s_hash_$i=\$h"
  done
  [ "$#" = 0 ] || return 0
  for i in $ids; do eval "b_sum_$i=\$s_hash_$i"; done
}
`;
