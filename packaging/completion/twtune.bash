# SPDX-License-Identifier: MIT
# bash completion for twtune(8)                                  -*- shell-script -*-
#
# The commands and options come from the binary itself ('twtune --help', 'twtune COMMAND
# --help'), so the completion always matches the twtune it completes for; what an option's
# argument or a command's operand is comes from the metavariable the help gives it:
#   PROFILE        .yaml/.yml files, directories and installed profile names ('twtune profiles -q')
#   KEY            knowledge-base keys ('twtune keys')
#   FILE, DIR      files, directories
#   NAME|PATH      network namespaces in /run/netns, and files
#   a|b|c          one of the words
#   N, SECONDS...  nothing to offer
# Needs nothing from the bash-completion package, and uses it (_init_completion) where loaded.

# _twtune_run ARGS...: the twtune being completed, with the --root already on the line (profile
# names and keys are looked up in that root), standard error discarded.
_twtune_run()
{
        "$_twtune_bin" ${_twtune_root:+--root "$_twtune_root"} "$@" 2>/dev/null
}

# _twtune_parse_help [COMMAND]: sets _twtune_help (the help text), _twtune_opts (every option,
# long and short), _twtune_args (an assoc array: option -> metavariable, for those taking one),
# _twtune_operands (the metavariables of the operands, in usage order) and _twtune_repeats (1 if
# the last one repeats, as "PROFILE..." does).
_twtune_parse_help()
{
        local help line usage tok name skip=
        _twtune_opts=() _twtune_operands=() _twtune_repeats=
        _twtune_args=()
        help=$(_twtune_run "$@" --help) || return 1
        _twtune_help=$help
        while IFS= read -r line; do
                # "  -q, --quiet   ...", "      --format text|json|github  ...", "      --by-remote [N]  ..."
                [[ $line =~ ^\ +(-([A-Za-z]),\ )?--([a-z0-9-]+)(\ ([^ ]+))?\ \ + ]] || continue
                _twtune_opts+=("--${BASH_REMATCH[3]}")
                [[ -n ${BASH_REMATCH[2]} ]] && _twtune_opts+=("-${BASH_REMATCH[2]}")
                if [[ -n ${BASH_REMATCH[5]} ]]; then
                        _twtune_args[--${BASH_REMATCH[3]}]=${BASH_REMATCH[5]}
                        [[ -n ${BASH_REMATCH[2]} ]] && _twtune_args[-${BASH_REMATCH[2]}]=${BASH_REMATCH[5]}
                fi
        done <<<"$help"
        (($#)) || return 0
        # The operands: in "usage: twtune CMD [--to N] [--dry-run] (FILE... | --system)", the
        # upper-case words that are not an option's argument.
        usage=${help%%$'\n'*}
        usage=${usage#usage: twtune "$1"}
        for tok in $usage; do
                if [[ -n $skip ]]; then
                        skip=
                        continue
                fi
                name=${tok#"${tok%%[!\[\(]*}"}
                if [[ $name == -* ]]; then
                        # An option whose token does not close its group is followed by its argument.
                        [[ -n ${_twtune_args[${name%%[\]\)]*}]:-} && $name != *[\]\)] ]] && skip=1
                        continue
                fi
                [[ $name =~ ^([A-Z]+)(\.\.\.)? ]] || continue
                _twtune_operands+=("${BASH_REMATCH[1]}") _twtune_repeats=${BASH_REMATCH[2]:+1}
        done
        return 0
}

# _twtune_add COMMAND...: appends each line COMMAND prints (compgen's candidates) to COMPREPLY.
_twtune_add()
{
        local -a more
        mapfile -t more < <("$@")
        COMPREPLY+=("${more[@]}")
}

# _twtune_netns_names CUR: the named network namespaces (ip netns add NAME) that CUR begins.
_twtune_netns_names()
{
        [[ -d /run/netns ]] && (cd /run/netns && compgen -f -- "$1")
}

# _twtune_complete_meta META CUR: COMPREPLY for a word whose metavariable is META.
_twtune_complete_meta()
{
        local meta=${1#[} cur=$2
        meta=${meta%]}
        COMPREPLY=()
        case $meta in
        PROFILE)
                compopt -o filenames 2>/dev/null
                _twtune_add compgen -d -- "$cur"
                _twtune_add compgen -f -X '!*.yaml' -- "$cur"
                _twtune_add compgen -f -X '!*.yml' -- "$cur"
                _twtune_add compgen -W "$(_twtune_run profiles -q)" -- "$cur"
                ;;
        KEY)
                local keys
                keys=$(_twtune_run keys)
                _twtune_add compgen -W "$keys" -- "$cur"
                # explain takes a key's last component too: "tcp_fin" becomes net.ipv4.tcp_fin_timeout.
                if ((${#COMPREPLY[@]} == 0)) && [[ -n $cur && $cur != *[./]* ]]; then
                        # shellcheck disable=SC2016 # an awk program
                        _twtune_add awk -F. -v p="$cur" 'index($NF, p) == 1' <<<"$keys"
                fi
                ;;
        DIR)
                compopt -o filenames 2>/dev/null
                _twtune_add compgen -d -- "$cur"
                ;;
        FILE)
                compopt -o filenames 2>/dev/null
                _twtune_add compgen -f -- "$cur"
                ;;
        NAME\|PATH)
                compopt -o filenames 2>/dev/null
                _twtune_add _twtune_netns_names "$cur"
                _twtune_add compgen -f -- "$cur"
                ;;
        *\|*)
                _twtune_add compgen -W "${meta//|/ }" -- "$cur"
                ;;
        esac
}

_twtune()
{
        local cur prev words cword
        if declare -F _init_completion >/dev/null; then
                _init_completion || return
        else
                words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
                cur=${words[cword]} prev=${words[cword - 1]:-}
        fi
        COMPREPLY=()
        local _twtune_bin=${words[0]} _twtune_root="" cmd="" i w help_of=""
        local -a _twtune_opts _twtune_operands
        local _twtune_repeats _twtune_help
        local -A _twtune_args
        [[ $_twtune_bin == */* ]] || _twtune_bin=$(type -P "$_twtune_bin") || _twtune_bin=twtune
        _twtune_bin=${_twtune_bin/#\~/$HOME}

        # "--format=j": COMP_WORDBREAKS splits it into "--format", "=", "j" (where it does not,
        # split it here).
        # "--format=": the word is "=" itself.
        if [[ $cur == --*=* ]]; then
                prev=${cur%%=*} cur=${cur#*=}
        elif [[ $cur == = ]]; then
                cur=
        elif [[ $prev == = && $cword -ge 2 ]]; then
                prev=${words[cword - 2]}
        fi

        # The command: the first word that is neither an option nor an option's argument. Until the
        # command's own help is read below, _twtune_args holds the global options.
        _twtune_parse_help || return 0
        local ncmd=0
        for ((i = 1; i < cword; i++)); do
                w=${words[i]}
                if [[ $w == --root=* ]]; then
                        _twtune_root=${w#--root=}
                elif [[ $w == --root && $i -lt $((cword - 1)) ]]; then
                        _twtune_root=${words[i + 1]}
                        [[ $_twtune_root == = ]] && _twtune_root=${words[i + 2]:-}
                fi
                if [[ -n $cmd ]]; then
                        [[ $cmd == help ]] && help_of=$w
                        continue
                fi
                if [[ -n ${_twtune_args[$w]:-} ]]; then
                        i=$((i + 1))
                        [[ ${words[i]:-} == = ]] && i=$((i + 1))
                elif [[ $w != -* && $w != = ]]; then
                        cmd=$w ncmd=$i
                fi
        done
        _twtune_root=${_twtune_root/#\~/$HOME}

        if [[ -z $cmd ]]; then
                if [[ -n ${_twtune_args[$prev]:-} ]]; then
                        _twtune_complete_meta "${_twtune_args[$prev]}" "$cur"
                elif [[ $cur == -* ]]; then
                        _twtune_add compgen -W "${_twtune_opts[*]}" -- "$cur"
                else
                        _twtune_add compgen -W "$(_twtune_commands) help" -- "$cur"
                fi
                return 0
        fi
        if [[ $cmd == help ]]; then
                [[ -z $help_of ]] && _twtune_add compgen -W "$(_twtune_commands)" -- "$cur"
                return 0
        fi
        _twtune_parse_help "$cmd" || return 0

        # An option's argument, if the word before is an option that takes one. An optional one
        # ("--by-remote [N]") leaves the place to the next option as well.
        local meta=${_twtune_args[$prev]:-}
        if [[ -n $meta && ! ($meta == \[*\] && $cur == -*) ]]; then
                _twtune_complete_meta "$meta" "$cur"
                return 0
        fi
        if [[ $cur == -* ]]; then
                _twtune_add compgen -W "${_twtune_opts[*]}" -- "$cur"
                return 0
        fi
        # Which operand this is: count the operands before it.
        local n=0
        for ((i = ncmd + 1; i < cword; i++)); do
                w=${words[i]}
                if [[ -n ${_twtune_args[$w]:-} ]]; then
                        [[ ${_twtune_args[$w]} == \[*\] && ${words[i + 1]:-} != [0-9]* ]] || i=$((i + 1))
                        [[ ${words[i]:-} == = ]] && i=$((i + 1))
                elif [[ $w != -?* && $w != = ]]; then
                        n=$((n + 1))
                fi
        done
        if ((n >= ${#_twtune_operands[@]})); then
                [[ -n $_twtune_repeats ]] || return 0
                n=$((${#_twtune_operands[@]} - 1))
        fi
        _twtune_complete_meta "${_twtune_operands[n]}" "$cur"
}

# The command names, from the help _twtune_parse_help read last (twtune's own, without a command).
_twtune_commands()
{
        sed -n '/^commands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p' <<<"$_twtune_help"
}

complete -F _twtune twtune
