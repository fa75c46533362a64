# bash completion for wenshu(1).  Kinds and layouts come from the
# installed wenshu itself (`wenshu list kinds|layouts`), so they follow
# WENSHU_LAYOUT_PATH, the office folder and new plugins.
_wenshu()
{
	local cur prev cmd
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=${COMP_WORDS[1]}
	if [[ $COMP_CWORD -eq 1 ]]; then
		COMPREPLY=($(compgen -W "render check packet preview list --help --version" -- "$cur"))
		return
	fi
	case $prev in
	--data|-d|--merge|--sheet)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	-o|--output)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--format|-f)
		COMPREPLY=($(compgen -W "pdf png svg pdf,png" -- "$cur")); return ;;
	--dpi|--jobs|-j|--port|-p|--group|-g)
		return ;;
	esac
	case $cmd in
	list)
		COMPREPLY=($(compgen -W "kinds forms layouts plugins fonts filters" -- "$cur")); return ;;
	render|check|preview)
		if [[ $cur == -* ]]; then
			local opts="--data --output --help"
			case $cmd in
			render) opts+=" --format --dpi --jobs --merge --no-font-cache" ;;
			preview) opts+=" --dpi --watch --serve --port --group --debug --sheet" ;;
			esac
			COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		else
			local kinds
			kinds=$(wenshu list kinds 2>/dev/null | awk '{print $1}')
			COMPREPLY=($(compgen -W "$kinds" -- "$cur") $(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur"))
		fi
		return ;;
	packet)
		COMPREPLY=($(compgen -W "--data --output --help" -- "$cur")); return ;;
	esac
}
complete -o filenames -F _wenshu wenshu
