# mino-base: interactive zsh defaults for every user of the image.
HISTFILE=${HISTFILE:-$HOME/.zsh_history}
HISTSIZE=50000
SAVEHIST=50000
setopt hist_ignore_dups hist_ignore_space share_history

alias cat='bat --paging=never'
alias ll='ls -lh'
alias la='ls -lah'

command -v zoxide >/dev/null 2>&1 && eval "$(zoxide init zsh)"
[ -f /usr/share/doc/fzf/examples/key-bindings.zsh ] && source /usr/share/doc/fzf/examples/key-bindings.zsh
[ -f /usr/share/zsh-autosuggestions/zsh-autosuggestions.zsh ] \
    && source /usr/share/zsh-autosuggestions/zsh-autosuggestions.zsh

# Layer directories (MINO_PATH_PREPEND) first, even when a login shell reset PATH.
[ -n "${MINO_PATH_PREPEND:-}" ] && export PATH="$MINO_PATH_PREPEND:$PATH"
PROMPT='%F{cyan}%~%f %# '
