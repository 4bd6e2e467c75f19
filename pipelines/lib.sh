# lib.sh - what the pipeline jobs (daily, backfill, replay, demo) share:
# the tools, the common flags, the lock of a state-dir, the four stages
# fetch | sanitize | match | emit with the exit status of each, the fetch
# state that commits only when the whole pipeline did, and the HR roster
# made into the tokens of the sanitized stream.
#
# POSIX sh.  Sourcing it only defines functions (tests source it for the
# roster functions); a job calls zp_init first.  A job's lists of words
# (the command of each stage) are kept as shell-quoted strings, built by
# zp_add and expanded by eval.

# --- messages -------------------------------------------------------------

# zp_say MSG... - print "PROG: MSG" on stderr.
zp_say() {
	printf '%s: %s\n' "${ZP_PROG:-pipelines}" "$*" >&2
}

# zp_die CODE MSG... - say MSG as an error and exit with CODE.
zp_die() {
	_code=$1
	shift
	zp_say "error: $*"
	exit "$_code"
}

# zp_usage_error MSG... - a misuse: say MSG, point at --help, exit 64.
zp_usage_error() {
	zp_say "$*"
	printf 'usage: %s --help\n' "${ZP_PROG:-pipelines}" >&2
	exit 64
}

# --- words ----------------------------------------------------------------

# zp_q WORD - print WORD quoted for the shell.
zp_q() {
	case $1 in
	*\'*) printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
	*) printf "'%s'" "$1" ;;
	esac
}

# zp_add VAR WORD... - append each WORD, quoted, to the word list in VAR.
zp_add() {
	_var=$1
	shift
	for _w in "$@"; do
		eval "$_var=\"\${$_var:-} \$(zp_q \"\$_w\")\""
	done
}

# zp_opt_value ARGS... - the value of the option in $1, given as
# --name=VALUE or as --name VALUE: sets ZP_V, and ZP_SHIFT to the number
# of words it took.
zp_opt_value() {
	case $1 in
	--*=*)
		ZP_V=${1#*=}
		ZP_SHIFT=1
		;;
	*)
		[ $# -ge 2 ] || zp_usage_error "option $1 needs a value"
		ZP_V=$2
		ZP_SHIFT=2
		;;
	esac
}

# --- set-up ---------------------------------------------------------------

# zp_init - the defaults of every job, and the stages' own variables
# unset: a ZP_IN or ZP_OUT in the environment would take the stages off
# the pipes this job connects them with.
zp_init() {
	ZP_HERE=$(cd "$(dirname "$(readlink -f "$0" 2> /dev/null ||
	    printf '%s' "$0")")" && pwd)
	ZP_STATE_DIR=
	ZP_TO=
	ZP_ROSTERS=
	ZP_SANITIZED_ROSTERS=
	ZP_RULES=
	ZP_SALT_FILE=
	ZP_KEY_FILE=
	ZP_NOW=
	ZP_WHERE=
	ZP_FETCH_ARGS=
	ZP_SANITIZE_ARGS=
	ZP_MATCH_ARGS=
	ZP_CANON_ARGS=
	ZP_EMIT_ARGS=
	ZP_CANON_NEXT=
	ZP_SHIFT=1
	ZP_RC=0
	ZP_SIGNAL=
	unset ZP_IN ZP_OUT ZP_PRODUCERS ZP_STATE
}

# zp_common_usage - print the flags every job takes.
zp_common_usage() {
	cat << 'EOF'
  --state-dir DIR       required: DIR/fetch.json (zp-fetch --state),
                        DIR/directory.ndjson (zp-match --directory),
                        DIR/emit/ (zp-emit --state), DIR/unmatched.tsv,
                        DIR/logs/<stage>.log, DIR/lock
  --to SINK             zp-emit sink, repeatable (default jsonl:DIR/out):
                        jsonl:DIR  csv:DIR  -  http://...  singer
  --where FILTER        zp-emit --where (a jq filter over records)
  --roster FILE         HR roster in clear (CSV or NDJSON), repeatable:
                        canonicalized and pseudonymized with the salt into
                        DIR/roster.sanitized.csv, then given to zp-match
  --sanitized-roster FILE  a roster already pseudonymized with the same
                        salt, given to zp-match as it is; repeatable
  --rules FILE          zp-sanitize --rules (default: the built-in rules)
  --salt-file FILE      the salt (else ZP_SALT or PSOXY_SALT)
  --key-file FILE       the key of p~ tokens (else ZP_ENCRYPTION_KEY or
                        PSOXY_ENCRYPTION_KEY)
  --fetch-arg ARG       one more word for zp-fetch, repeatable, e.g.
                        --fetch-arg --streams=users,past_meetings
                        --fetch-arg --oauth-url=http://127.0.0.1:8080
  --sanitize-arg ARG, --match-arg ARG, --emit-arg ARG
                        the same for the other stages
  --help                this text
Credentials come from the environment or files, as zp-fetch reads them
(ZP_ZOOM_ACCOUNT_ID, ZP_ZOOM_CLIENT_ID, ZP_ZOOM_CLIENT_SECRET, or
--fetch-arg --credentials=FILE, or ZP_FETCH_CONFIG), never from flags.
Tools: zp-* on PATH, else the checkout's build/bin; ZP_BIN_DIR overrides.
Each stage's log is DIR/logs/<stage>.log (the last run's); stderr gets one
line per stage, and so does DIR/logs/history.log (every run's, with times).
A failure after zp-fetch rolls the fetch state back: the next run reads
the same days again and zp-emit drops what it already has.
exit: 0 ok, 1 some input rejected (logged; the rest went through),
      64 usage, 69 Zoom unreachable, 75 run again later (daily limit,
      interrupted, another job holds DIR), 77 auth, 78 config (salt, key,
      rules, a missing tool); else the exit status of the failed stage
EOF
}

# zp_common_opt ARGS... - take the common flag in $1 (with its value),
# setting ZP_SHIFT; returns 1 if $1 is not one.
zp_common_opt() {
	ZP_SHIFT=1
	case $1 in
	--state-dir | --state-dir=*)
		zp_opt_value "$@"
		ZP_STATE_DIR=$ZP_V
		;;
	--to | --to=*)
		zp_opt_value "$@"
		zp_add ZP_TO --to "$ZP_V"
		;;
	--where | --where=*)
		zp_opt_value "$@"
		ZP_WHERE=$ZP_V
		;;
	--roster | --roster=*)
		zp_opt_value "$@"
		zp_add ZP_ROSTERS "$ZP_V"
		;;
	--sanitized-roster | --sanitized-roster=*)
		zp_opt_value "$@"
		zp_add ZP_SANITIZED_ROSTERS --roster "$ZP_V"
		;;
	--rules | --rules=*)
		zp_opt_value "$@"
		ZP_RULES=$ZP_V
		;;
	--salt-file | --salt-file=*)
		zp_opt_value "$@"
		ZP_SALT_FILE=$ZP_V
		;;
	--key-file | --key-file=*)
		zp_opt_value "$@"
		ZP_KEY_FILE=$ZP_V
		;;
	--fetch-arg | --fetch-arg=*)
		zp_opt_value "$@"
		zp_add ZP_FETCH_ARGS "$ZP_V"
		;;
	--sanitize-arg | --sanitize-arg=*)
		zp_opt_value "$@"
		zp_add ZP_SANITIZE_ARGS "$ZP_V"
		;;
	--match-arg | --match-arg=*)
		zp_opt_value "$@"
		zp_add ZP_MATCH_ARGS "$ZP_V"
		zp_canon_arg "$ZP_V"
		;;
	--emit-arg | --emit-arg=*)
		zp_opt_value "$@"
		zp_add ZP_EMIT_ARGS "$ZP_V"
		;;
	*)
		return 1
		;;
	esac
}

# zp_canon_arg WORD - keep the words of zp-match's flags that change the
# canonical form of an e-mail (--ignore-dots, --domain-alias A=D) for the
# canonicalization of the roster, which must be the stream's.
zp_canon_arg() {
	if [ -n "$ZP_CANON_NEXT" ]; then
		zp_add ZP_CANON_ARGS "$1"
		ZP_CANON_NEXT=
		return 0
	fi
	case $1 in
	--ignore-dots | --domain-alias=*) zp_add ZP_CANON_ARGS "$1" ;;
	--domain-alias)
		zp_add ZP_CANON_ARGS "$1"
		ZP_CANON_NEXT=1
		;;
	esac
}

# zp_find_tools TOOL... - put the zoompipe tools on PATH: ZP_BIN_DIR if
# set, else PATH if it has them all, else the checkout's build/bin.
zp_find_tools() {
	if [ -n "${ZP_BIN_DIR:-}" ]; then
		PATH="$(cd "$ZP_BIN_DIR" && pwd):$PATH" ||
		    zp_die 78 "ZP_BIN_DIR=$ZP_BIN_DIR: no such folder"
	elif ! zp_have "$@" && [ -x "$ZP_HERE/../build/bin/zp-fetch" ]; then
		PATH="$(cd "$ZP_HERE/../build/bin" && pwd):$PATH"
	fi
	export PATH
	for _t in "$@"; do
		command -v "$_t" > /dev/null 2>&1 ||
		    zp_die 78 "$_t not found on PATH (run make, or set ZP_BIN_DIR)"
	done
}

# zp_have CMD... - whether every CMD is on PATH.
zp_have() {
	for _t in "$@"; do
		command -v "$_t" > /dev/null 2>&1 || return 1
	done
}

# zp_state_dir - make the state-dir (mode 0700) and its logs folder, and
# take its lock: one job at a time per state-dir.  The lock is an open
# file description, held by this shell and every stage it starts, so it
# ends with the last of them, even after a kill -9.
zp_state_dir() {
	[ -n "$ZP_STATE_DIR" ] || zp_usage_error "--state-dir DIR is required"
	if [ ! -d "$ZP_STATE_DIR" ]; then
		mkdir -p -m 700 "$ZP_STATE_DIR" ||
		    zp_die 78 "cannot create the state-dir $ZP_STATE_DIR"
	fi
	ZP_LOGS=$ZP_STATE_DIR/logs
	ZP_HISTORY=$ZP_LOGS/history.log
	ZP_RUN=$ZP_STATE_DIR/.run
	mkdir -p "$ZP_LOGS" || zp_die 78 "cannot create $ZP_LOGS"
	command -v flock > /dev/null 2>&1 ||
	    zp_die 78 "flock not found (Debian: util-linux)"
	exec 9>> "$ZP_STATE_DIR/lock" ||
	    zp_die 78 "cannot open $ZP_STATE_DIR/lock"
	flock -n 9 || zp_die 75 "another job is running on" \
	    "$ZP_STATE_DIR (it holds $ZP_STATE_DIR/lock): run again later"
	rm -rf "$ZP_RUN"
	mkdir "$ZP_RUN"
	zp_stop_traps
	[ -n "$ZP_TO" ] || zp_add ZP_TO --to "jsonl:$ZP_STATE_DIR/out"
}

# zp_stop_traps - outside the pipeline, a stop signal ends the job at
# once (what runs then is short: the roster, a preflight) with 75.
zp_stop_traps() {
	trap 'zp_say "stopped by SIGTERM"; exit 75' TERM
	trap 'zp_say "stopped by SIGHUP"; exit 75' HUP
	trap 'zp_say "stopped by SIGINT"; exit 75' INT
}

# zp_secret_args VAR - append to VAR the sanitize flags of the salt and
# key files, if given.
zp_secret_args() {
	[ -z "$ZP_SALT_FILE" ] || zp_add "$1" --salt-file "$ZP_SALT_FILE"
	[ -z "$ZP_KEY_FILE" ] || zp_add "$1" --key-file "$ZP_KEY_FILE"
}

# zp_preflight - before anything is fetched, let zp-sanitize check its
# rules and secrets on an empty stream, so that a missing salt costs no
# API budget; exits 78 (or zp-sanitize's status) naming the stage.
zp_preflight() {
	ZP_SANITIZE_CMD="zp-sanitize"
	[ -z "$ZP_RULES" ] || zp_add ZP_SANITIZE_CMD --rules "$ZP_RULES"
	zp_secret_args ZP_SANITIZE_CMD
	ZP_SANITIZE_CMD="$ZP_SANITIZE_CMD $ZP_SANITIZE_ARGS"
	_rc=0
	eval "$ZP_SANITIZE_CMD" < /dev/null > /dev/null \
	    2> "$ZP_RUN/preflight.log" || _rc=$?
	[ "$_rc" -eq 0 ] && return 0
	mv "$ZP_RUN/preflight.log" "$ZP_LOGS/sanitize.log"
	zp_say "sanitize: exit $_rc (failed before the run):" \
	    "$(zp_last_error sanitize) (log: $ZP_LOGS/sanitize.log)"
	zp_die "$_rc" "stage sanitize failed (exit $_rc): nothing was fetched"
}

# zp_rosters - pseudonymize the --roster files into the state-dir (stage
# "roster") and set ZP_MATCH_ROSTERS.  Rows it rejects are reported and
# make the job exit 1 in the end; a failure of the stage stops the job.
zp_rosters() {
	ZP_MATCH_ROSTERS=$ZP_SANITIZED_ROSTERS
	if [ -z "$ZP_ROSTERS$ZP_SANITIZED_ROSTERS" ]; then
		zp_say "warn: no --roster: identities will stay unmatched"
		return 0
	fi
	[ -n "$ZP_ROSTERS" ] || return 0
	_out=$ZP_STATE_DIR/roster.sanitized.csv
	_rc=0
	(
		ZP_SALT_ARGS=
		[ -z "$ZP_SALT_FILE" ] ||
		    zp_add ZP_SALT_ARGS --salt-file "$ZP_SALT_FILE"
		eval "set -- $ZP_ROSTERS"
		zp_roster_sanitize "$_out" "$@"
	) 2> "$ZP_LOGS/roster.log" || _rc=$?
	zp_report roster "$_rc"
	case $_rc in
	0) ;;
	1) ZP_RC=1 ;;
	*) zp_die "$_rc" "stage roster failed (exit $_rc): nothing was fetched" ;;
	esac
	zp_add ZP_MATCH_ROSTERS --roster "$_out"
}

# --- the roster -----------------------------------------------------------

# zp_roster_sanitize OUT ROSTER... - canonicalize the HR rosters
# (zp-match --canonical-roster, with $ZP_CANON_ARGS: the stream's
# --domain-alias and --ignore-dots) and pseudonymize them with the
# stream's salt (zp-sanitize --bulk; ZP_SALT, PSOXY_SALT, or
# $ZP_SALT_ARGS), into OUT (mode 0600): e-mails and employee ids become
# the very tokens the sanitized stream carries, names are dropped; person
# id, manager, department and validity stay as they are.  Returns 1 if
# some rows were rejected (the others are in OUT), another status if a
# tool failed.
zp_roster_sanitize() {
	_out=$1
	shift
	_dir=$(dirname "$_out")
	_tmp=$(umask 077 && mktemp -d "$_dir/.roster.XXXXXX") || return 78
	_canon=0
	eval "set -- $(for _r in "$@"; do printf ' --roster '; zp_q "$_r"
	    done) ${ZP_CANON_ARGS:-}"
	zp-match --canonical-roster "$@" > "$_tmp/canonical.csv" || _canon=$?
	if [ "$_canon" -gt 1 ]; then
		rm -rf "$_tmp"
		return "$_canon"
	fi
	printf '%s\n' 'columnsToPseudonymize:' '  - email' '  - employee_id' \
	    'columnsToRedact:' '  - name' 'pseudonymFormat: URL_SAFE_TOKEN' \
	    > "$_tmp/rules.yaml"
	_bulk=0
	eval "set -- ${ZP_SALT_ARGS:-}"
	(umask 077 && zp-sanitize --bulk "$_tmp/rules.yaml" "$@" \
	    "$_tmp/canonical.csv" > "$_tmp/sanitized.csv") || _bulk=$?
	[ "$_bulk" -ne 0 ] || mv "$_tmp/sanitized.csv" "$_out" || _bulk=75
	rm -rf "$_tmp"
	[ "$_bulk" -eq 0 ] || return "$_bulk"
	return "$_canon"
}

# zp_roster_from_truth TRUTH OUT - write the HR roster of every member of
# zp-sim's organization (its --dump-truth file): person P<index>, e-mail,
# employee id, name, department.
zp_roster_from_truth() {
	jq -r 'select(.type == "user") |
	    ["P\(.index)", .email, .employee_unique_id,
	     "\(.first_name) \(.last_name)", .dept] | @csv' "$1" |
	    (echo person_id,email,employee_id,name,department; cat) > "$2"
}

# --- the fetch state ------------------------------------------------------

# zp-fetch moves its watermarks (and clears its journal) as soon as it has
# written the last page, before zp-emit has saved the records.  So that a
# failure after zp-fetch (or a kill of the whole job) loses nothing, the
# job snapshots the fetch state first and puts it back unless the stages
# after zp-fetch all succeeded: the next run reads the same days again,
# and zp-emit drops what it already has.

# zp_fetch_state_begin FILE - snapshot FILE and FILE.journal; if an
# earlier job left a snapshot (it died before it could decide), restore
# that one first.
zp_fetch_state_begin() {
	ZP_FETCH_STATE=$1
	ZP_SNAP=$(dirname "$1")/.$(basename "$1").snapshot
	if [ -f "$ZP_SNAP/complete" ]; then
		zp_say "warn: the last job on $ZP_STATE_DIR did not finish:" \
		    "its fetch state is rolled back (zp-emit drops what it" \
		    "already has)"
		zp_fetch_state_restore
	fi
	rm -rf "$ZP_SNAP"
	mkdir "$ZP_SNAP"
	for _f in "$1" "$1.journal"; do
		[ ! -f "$_f" ] || cp -p "$_f" "$ZP_SNAP/$(basename "$_f")"
	done
	: > "$ZP_SNAP/complete"
}

# zp_fetch_state_restore - put the snapshot back, then drop it.
zp_fetch_state_restore() {
	for _f in "$ZP_FETCH_STATE" "$ZP_FETCH_STATE.journal"; do
		_kept=$ZP_SNAP/$(basename "$_f")
		if [ -f "$_kept" ]; then
			cp -p "$_kept" "$_f.restore" && mv "$_f.restore" "$_f"
		else
			rm -f "$_f"
		fi
	done
	rm -rf "$ZP_SNAP"
}

# zp_fetch_state_end - keep what zp-fetch wrote if sanitize, match and
# emit went through (exit 0 or 1), else roll it back.
zp_fetch_state_end() {
	for _s in sanitize match emit; do
		case $(zp_rc "$_s") in
		0 | 1) ;;
		*)
			zp_fetch_state_restore
			zp_say "the fetch state is rolled back: the next run" \
			    "reads these days again"
			return 0
			;;
		esac
	done
	rm -rf "$ZP_SNAP"
}

# --- the pipeline ---------------------------------------------------------

# zp_stage NAME CMD... - run CMD as the stage NAME: its pid in
# .run/NAME.pid (so that a SIGTERM can be passed on), its stderr in
# logs/NAME.log, its exit status in .run/NAME.rc.
zp_stage() {
	_name=$1
	shift
	_rc=0
	sh -c 'echo $$ > "$0" && exec "$@"' "$ZP_RUN/$_name.pid" "$@" \
	    2> "$ZP_LOGS/$_name.log" || _rc=$?
	echo "$_rc" > "$ZP_RUN/$_name.rc"
}

# zp_rc NAME - the exit status of stage NAME (126 if it never ran).
zp_rc() {
	if [ -s "$ZP_RUN/$1.rc" ]; then
		cat "$ZP_RUN/$1.rc"
	else
		echo 126
	fi
}

# zp_fetch_stage, ... - one stage each, with its words expanded.
zp_fetch_stage() {
	eval "set -- $ZP_FETCH_CMD"
	zp_stage fetch "$@"
}
zp_sanitize_stage() {
	eval "set -- $ZP_SANITIZE_CMD"
	zp_stage sanitize "$@"
}
zp_match_stage() {
	eval "set -- $ZP_MATCH_CMD"
	zp_stage match "$@"
}
zp_emit_stage() {
	eval "set -- $ZP_EMIT_CMD"
	zp_stage emit "$@"
}

# zp_forward SIG - pass a stop on to every stage (each finishes the
# envelope in hand, flushes, exits 75).
zp_forward() {
	ZP_SIGNAL=$1
	for _p in "$ZP_RUN"/*.pid; do
		[ -s "$_p" ] && kill -TERM "$(cat "$_p")" 2> /dev/null
	done
	return 0
}

# zp_wait_rc STAGE... - wait until every stage has left its exit status.
# The shell's job may end before its pipeline does (dash leaves a
# background pipeline when its last command ends), so the status files
# are what says a stage is over: wait while a stage's tool still runs,
# and a little more for its status to be written.
zp_wait_rc() {
	for _s in "$@"; do
		_n=0
		while [ ! -s "$ZP_RUN/$_s.rc" ] && [ $_n -lt 50 ]; do
			_p=$(cat "$ZP_RUN/$_s.pid" 2> /dev/null || :)
			if [ -z "$_p" ] || ! kill -0 "$_p" 2> /dev/null; then
				_n=$((_n + 1))
			fi
			sleep 0.1
		done
	done
}

# zp_pipeline FETCH_WORDS - run FETCH_WORDS (zp-fetch and its flags,
# quoted) | zp-sanitize | zp-match | zp-emit, wait for all four, print
# one line per stage and set ZP_RC to the job's exit status.
zp_pipeline() {
	ZP_FETCH_CMD="$1 $ZP_FETCH_ARGS"
	ZP_MATCH_CMD="zp-match"
	zp_add ZP_MATCH_CMD --directory "$ZP_STATE_DIR/directory.ndjson" \
	    --unmatched "$ZP_STATE_DIR/unmatched.tsv"
	ZP_MATCH_CMD="$ZP_MATCH_CMD $ZP_MATCH_ROSTERS $ZP_MATCH_ARGS"
	ZP_EMIT_CMD="zp-emit"
	zp_add ZP_EMIT_CMD --state "$ZP_STATE_DIR/emit"
	[ -z "$ZP_WHERE" ] || zp_add ZP_EMIT_CMD --where "$ZP_WHERE"
	ZP_EMIT_CMD="$ZP_EMIT_CMD $ZP_TO $ZP_EMIT_ARGS"
	rm -f "$ZP_RUN"/*.rc "$ZP_RUN"/*.pid
	# SIGTERM (or HUP) to the job is passed on; a terminal's SIGINT
	# reaches the stages by itself.
	trap 'zp_forward TERM' TERM
	trap 'zp_forward HUP' HUP
	trap 'ZP_SIGNAL=INT' INT
	{ zp_fetch_stage | zp_sanitize_stage | zp_match_stage |
	    zp_emit_stage; } &
	_job=$!
	while :; do
		wait "$_job" || :
		kill -0 "$_job" 2> /dev/null || break
	done
	zp_wait_rc fetch sanitize match emit
	zp_stop_traps
	zp_verdict fetch sanitize match emit
}

# zp_verdict STAGE... - report each stage and set ZP_RC and ZP_CAUSE:
# the cause is the first stage that failed (an exit status other than 0
# and 1) unless it exited 75 while a later stage failed too: a stage
# whose downstream died stops with 75 (its pipe closed), the later
# stage is the one to look at.  With no cause, ZP_RC becomes 1 if a
# stage rejected input, else stays as it was.
zp_verdict() {
	ZP_CAUSE=
	for _s in "$@"; do
		_rc=$(zp_rc "$_s")
		case $_rc in
		0) ;;
		1) ZP_RC=1 ;;
		75) [ -n "$ZP_CAUSE" ] || zp_later_failed "$_s" "$@" ||
		    ZP_CAUSE=$_s ;;
		*) [ -n "$ZP_CAUSE" ] || ZP_CAUSE=$_s ;;
		esac
	done
	for _s in "$@"; do
		_rc=$(zp_rc "$_s")
		if [ "$_rc" -eq 75 ] && [ "$_s" != "$ZP_CAUSE" ] &&
		    zp_later_failed "$_s" "$@"; then
			zp_report "$_s" 75 "a later stage failed"
		else
			zp_report "$_s" "$_rc"
		fi
	done
	[ -n "$ZP_CAUSE" ] || return 0
	ZP_RC=$(zp_rc "$ZP_CAUSE")
}

# zp_later_failed STAGE STAGES... - whether a stage after STAGE in
# STAGES failed (an exit status other than 0 and 1).
zp_later_failed() {
	_me=$1
	shift
	_after=
	for _t in "$@"; do
		if [ -n "$_after" ]; then
			case $(zp_rc "$_t") in 0 | 1) ;; *) return 0 ;; esac
		fi
		[ "$_t" != "$_me" ] || _after=1
	done
	return 1
}

# zp_report STAGE RC [WHY] - one line on stderr (and in logs/history.log):
# the stage's own summary line, or WHY, or its last error.
zp_report() {
	_log=$ZP_LOGS/$1.log
	_why=${3:-}
	[ -n "$_why" ] || [ "$2" -eq 0 ] || _why=$(zp_last_error "$1")
	case $2 in
	0) _line="ok: $(zp_summary "$1")" ;;
	1) _line="exit 1 (some input rejected, the rest went through):"
	   [ "$1" != fetch ] ||
	       _line="exit 1 (some items failed: the next run tries again):" ;;
	75) _line="exit 75 (stopped early):" ;;
	126) _line="did not run" ;;
	*) _line="exit $2 (failed):" ;;
	esac
	case $2 in
	0 | 126) ;;
	*) _line="$_line $_why (log: $_log)" ;;
	esac
	zp_say "$1: $_line"
	printf '%s %s: %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	    "${ZP_PROG:-pipelines}" "$1" "$_line" >> "$ZP_HISTORY"
}

# zp_summary STAGE - the summary line a tool logs at the end of a run.
zp_summary() {
	case $1 in
	fetch | sanitize) _pat='info: \(done\|replayed\)' ;;
	match) _pat='info: matched ' ;;
	emit) _pat='info: .* records: ' ;;
	roster) _pat='info: roster: ' ;;
	*) _pat='info: ' ;;
	esac
	grep "$_pat" "$ZP_LOGS/$1.log" 2> /dev/null | tail -n 1 |
	    sed 's/^[^ ]*: info: //; s/^done: //; s/^roster: //'
}

# zp_last_error STAGE - the last error of a stage's log, with the lines
# that continue it, and how many errors there were; else its last
# warning, else its last line.
zp_last_error() {
	awk '
	/^zp-[a-z]+: error: / {
		n++; cur = $0; sub(/^zp-[a-z]+: error: /, "", cur); last = cur
		inerr = 1; next
	}
	/^zp-[a-z]+: / {
		inerr = 0; l = $0; sub(/^zp-[a-z]+: [a-z]+: /, "", l)
		if ($0 ~ /: warn: /) warn = l; else other = l
		next
	}
	inerr && NF { last = last " " $0; next }
	NF { other = $0 }
	END {
		if (n > 1) printf "%s (%d errors in all)", last, n
		else if (n == 1) printf "%s", last
		else if (warn != "") printf "%s", warn
		else if (other != "") printf "%s", other
		else printf "no message"
	}' "$ZP_LOGS/$1.log" 2> /dev/null || printf 'no log'
}

# zp_resume_after - "after TIME" when zp-fetch stopped at a daily limit
# (its log says when the budget comes back), else nothing.
zp_resume_after() {
	sed -n 's/.*run again with the same --state \(after [^ ]*\).*/\1/p' \
	    "$ZP_LOGS/fetch.log" 2> /dev/null | tail -n 1
}

# zp_finish - the job's last line and exit status; zp-fetch's 75 (a
# daily limit, a stop) says when to run again.
zp_finish() {
	rm -rf "$ZP_RUN"
	if [ -n "${ZP_CAUSE:-}" ]; then
		case $ZP_RC in
		75)
			[ -z "$ZP_SIGNAL" ] ||
			    zp_say "stopped by SIG$ZP_SIGNAL"
			if [ "$ZP_CAUSE" = fetch ]; then
				_when=$(zp_resume_after)
				zp_say "stopped early: stage fetch exited 75:" \
				    "run again ${_when:-later} with the same" \
				    "--state-dir: it goes on where this run stopped"
			else
				zp_say "stopped early: stage $ZP_CAUSE exited 75:" \
				    "run again later with the same --state-dir"
			fi
			;;
		*)
			zp_say "error: stage $ZP_CAUSE failed (exit $ZP_RC)"
			;;
		esac
	elif [ "$ZP_RC" -eq 1 ]; then
		zp_say "done, but some input was rejected (exit 1): see the" \
		    "lines above"
	fi
	exit "$ZP_RC"
}
