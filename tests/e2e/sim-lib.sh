# sim-lib.sh - helpers for end-to-end cases that run zp-sim.  Source it:
#   . "$SRC/tests/e2e/sim-lib.sh"
# The client secret travels in the environment and curl config on stdin,
# never in a command line.

ZP_SIM_CLIENT_SECRET=${ZP_SIM_CLIENT_SECRET:-e2e-secret}
export ZP_SIM_CLIENT_SECRET

# sim_start ARGS... - start zp-sim on a free port of 127.0.0.1 with a
# request log, wait until it listens, and set SIM_PID, SIM_PORT, SIM_URL.
sim_start() {
	rm -f sim.port
	zp-sim --port-file sim.port --log sim.log "$@" 2> sim.err &
	SIM_PID=$!
	# A case that exits early must not leave its server running.
	trap 'kill "$SIM_PID" 2> /dev/null' EXIT
	i=0
	while [ ! -s sim.port ] && [ $i -lt 1200 ]; do
		kill -0 "$SIM_PID" 2> /dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	if [ ! -s sim.port ]; then
		echo "zp-sim did not start:" >&2
		cat sim.err >&2
		return 1
	fi
	SIM_PORT=$(cat sim.port)
	SIM_URL="http://127.0.0.1:$SIM_PORT"
}

# sim_stop - stop zp-sim with SIGTERM and wait for it; prints its status.
sim_stop() {
	kill -TERM "$SIM_PID"
	wait "$SIM_PID"
	echo "zp-sim exit: $?"
	trap - EXIT
}

# sim_token [ACCOUNT] - print a fresh Server-to-Server OAuth access token.
sim_token() {
	printf 'user = "zp-sim-client:%s"\n' "$ZP_SIM_CLIENT_SECRET" |
	    curl -s -K - -X POST \
	    "$SIM_URL/oauth/token?grant_type=account_credentials&account_id=${1:-acme}" |
	    jq -r .access_token
}

# api PATH - GET $SIM_URL/v2PATH with the bearer token in $TOKEN; prints
# the body, then the status on a line of its own.
api() {
	printf 'header = "Authorization: Bearer %s"\n' "$TOKEN" |
	    curl -s -K - -w '\n%{http_code}\n' "$SIM_URL/v2$1"
}

# api_headers PATH - like api, but prints the response headers first.
api_headers() {
	printf 'header = "Authorization: Bearer %s"\n' "$TOKEN" |
	    curl -s -K - -D - -o /dev/null "$SIM_URL/v2$1" | tr -d '\r'
}

# api_show PATH [FILTER] - like api, on one line: the status, a space and
# the body through jq -c FILTER (default: the whole body).
api_show() {
	_out=$(api "$1")
	printf '%s %s\n' "$(printf '%s\n' "$_out" | tail -n 1)" \
	    "$(printf '%s\n' "$_out" | sed '$d' | jq -c "${2:-.}")"
}

# api_walk PATH KEY - GET PATH, then each next page while next_page_token
# is not empty, and print every element of the array KEY as one compact
# JSON line.  At the first answer that is not a 200 it says so on stderr
# and returns 1.  (Few processes per page: crawls make many pages.)
api_walk() {
	_nl='
'
	_sep='?'
	case $1 in *\?*) _sep='&' ;; esac
	_tok=
	while :; do
		_out=$(api "$1${_tok:+$_sep}${_tok:+next_page_token=$_tok}")
		_status=${_out##*"$_nl"}
		_body=${_out%"$_nl"*}
		if [ "$_status" != 200 ]; then
			printf 'api_walk: %s: %s %s\n' "$1" "$_status" "$_body" >&2
			return 1
		fi
		_res=$(printf '%s\n' "$_body" | jq -r --arg k "$2" \
		    '(.next_page_token // "" | @uri), (.[$k][] | tojson)')
		_tok=${_res%%"$_nl"*}
		case $_res in *"$_nl"*) printf '%s\n' "${_res#*"$_nl"}" ;; esac
		[ -n "$_tok" ] || return 0
	done
}

# uuid_seg UUID - print a meeting UUID as a path segment, the way Zoom
# wants it: encoded twice if it begins with / or holds //, else once.
uuid_seg() {
	jq -rn --arg u "$1" \
	    'if ($u | startswith("/")) or ($u | contains("//"))
	     then $u | @uri | @uri else $u | @uri end'
}
