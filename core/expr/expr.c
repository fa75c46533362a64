/* Expressions and templates: lexer, bounded recursive-descent parser,
 * evaluator.  See expr.h for the language; the filters live in filters.c
 * (filters.h), exact decimals in decimal.c. */
#include "filters.h"
#include "decimal.h"

#include <glib.h>
#include <stdarg.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Templates and nodes                                                  */

typedef enum node_kind {
	N_LIT,    /* lit */
	N_LIST,   /* args: the items */
	N_VAR,    /* name: a variable of the scope */
	N_MEMBER, /* a.name */
	N_INDEX,  /* a[b] */
	N_NOT,    /* not a */
	N_NEG,    /* -a */
	N_BIN,    /* a op b: arithmetic, comparison, ~, in */
	N_AND,
	N_OR,
	N_COND,   /* a if b else c (c may be NULL) */
	N_FILTER, /* a | filter(args) */
} node_kind;

typedef enum tok_type {
	T_EOF, T_CLOSE, T_IDENT, T_NUMBER, T_STRING,
	T_LPAREN, T_RPAREN, T_LBRACK, T_RBRACK, T_COMMA, T_DOT, T_PIPE,
	T_TILDE, T_PLUS, T_MINUS, T_STAR, T_SLASH,
	T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE,
	T_AND, T_OR, T_NOT, T_IN, T_IF, T_ELSE, T_TRUE, T_FALSE, T_NULL,
} tok_type;

struct expr_node {
	node_kind kind;
	tok_type op;          /* N_BIN: the operator */
	bool negate;          /* N_BIN with T_IN: `not in` */
	unsigned depth;       /* levels of the subtree, this node included */
	size_t off;           /* byte offset errors point at (operator, name) */
	size_t start, end;    /* byte span of the whole node in the source */
	ws_loc loc;           /* where `off` is in the file: given to result values */
	ws_value *lit;        /* N_LIT: owned */
	char *name;           /* N_VAR, N_MEMBER: owned */
	const expr_filter *filter;
	expr_node *a, *b, *c; /* children, owned by the template's arena */
	expr_node **args;     /* owned array of arena nodes */
	size_t nargs;
};

typedef struct part {
	expr_node *expr;   /* NULL for literal text */
	size_t off, len;   /* byte span: the text, or the `{{ ... }}` */
} part;

struct ws_template {
	char *src;          /* owned copy of the source */
	size_t len;
	ws_loc loc;
	ws_value *origin;   /* a reference, or NULL: the value the source is the text of
	                     * (ws_template_compile_value), for positions inside quotes */
	GArray *parts;      /* of part */
	GPtrArray *nodes;   /* arena: every node, owned, freed flat (no recursion) */
	const expr_node *single; /* the expression when single-expression */
};

static void node_free(gpointer data)
{
	expr_node *n = data;
	ws_value_unref(n->lit);
	g_free(n->name);
	g_free(n->args);
	g_free(n);
}

/* Maps a byte offset of the source to a file position (see expr.h). */
static ws_loc loc_at(const ws_template *t, size_t off)
{
	if (t->origin)
		return ws_value_text_loc(t->origin, MIN(off, t->len));
	unsigned line = t->loc.line ? t->loc.line : 1;
	unsigned base = t->loc.line && t->loc.column ? t->loc.column : 1;
	return ws_loc_along((ws_loc){t->loc.file, line, base}, base, t->src, MIN(off, t->len));
}

/* ------------------------------------------------------------------ */
/* Lexer                                                                */

typedef struct token {
	tok_type type;
	size_t off, len; /* bytes of the source */
	char *str;       /* T_STRING: decoded text, owned until taken */
	size_t str_len;
} token;

typedef struct parser {
	ws_template *t;
	ws_diags *diags;
	size_t pos;       /* next byte to lex */
	size_t limit;     /* lexing stops here (the end of the source) */
	bool in_braces;   /* `}}` ends the expression */
	token tok;
	unsigned nesting; /* recursion depth of the parser itself */
	bool failed;      /* an error was reported for the current part */
} parser;

static int perr(parser *p, size_t off, const char *fmt, ...) WS_PRINTF(3, 4);
static int perr(parser *p, size_t off, const char *fmt, ...)
{
	/* One message per part: a second is nearly always a consequence. */
	if (p->failed)
		return WS_EINPUT;
	p->failed = true;
	va_list ap;
	va_start(ap, fmt);
	ws_diag_addv(p->diags, WS_SEVERITY_ERROR, loc_at(p->t, off), NULL, NULL, fmt, ap);
	va_end(ap);
	return WS_EINPUT;
}

static int plimit(parser *p, size_t off, const char *fmt, ...) WS_PRINTF(3, 4);
static int plimit(parser *p, size_t off, const char *fmt, ...)
{
	if (p->failed)
		return WS_EINPUT;
	p->failed = true;
	va_list ap;
	va_start(ap, fmt);
	ws_diag_addv(p->diags, WS_SEVERITY_ERROR, loc_at(p->t, off), "limit", NULL, fmt, ap);
	va_end(ap);
	return WS_EINPUT;
}

static const struct {
	const char *word;
	tok_type type;
} keywords[] = {
	{"and", T_AND}, {"or", T_OR}, {"not", T_NOT}, {"in", T_IN}, {"if", T_IF},
	{"else", T_ELSE}, {"true", T_TRUE}, {"false", T_FALSE}, {"null", T_NULL},
};

/* Full-width punctuation an IME slips into an expression, and what was
 * meant: the message names the ASCII character instead of just refusing. */
static const struct {
	gunichar wide;
	const char *ascii;
} fullwidth[] = {
	{0xFF08, "("}, {0xFF09, ")"}, {0x2018, "'"}, {0x2019, "'"}, {0x201C, "\""},
	{0x201D, "\""}, {0xFF0C, ","}, {0xFF5C, "|"}, {0xFF0E, "."}, {0xFF3B, "["},
	{0xFF3D, "]"}, {0xFF1D, "="},
};

static bool lex_string(parser *p, token *tk)
{
	const char *s = p->t->src;
	char quote = s[p->pos];
	size_t i = p->pos + 1;
	GString *out = g_string_new(NULL);
	for (;;) {
		if (i >= p->limit) {
			g_string_free(out, TRUE);
			perr(p, tk->off, "unterminated string");
			return false;
		}
		char c = s[i];
		if (c == quote) {
			i++;
			break;
		}
		if (c != '\\') {
			g_string_append_c(out, c);
			i++;
			continue;
		}
		char e = i + 1 < p->limit ? s[i + 1] : '\0';
		switch (e) {
		case '\\': case '\'': case '"':
			g_string_append_c(out, e);
			i += 2;
			break;
		case 'n':
			g_string_append_c(out, '\n');
			i += 2;
			break;
		case 't':
			g_string_append_c(out, '\t');
			i += 2;
			break;
		case 'u': {
			gunichar u = 0;
			size_t k;
			for (k = 0; k < 4 && i + 2 + k < p->limit && g_ascii_isxdigit(s[i + 2 + k]); k++)
				u = u * 16 + (gunichar)g_ascii_xdigit_value(s[i + 2 + k]);
			/* Surrogates and NUL are not characters a layout can print. */
			if (k < 4 || u == 0 || (u >= 0xD800 && u <= 0xDFFF)) {
				g_string_free(out, TRUE);
				perr(p, i, "bad escape: \\u needs 4 hex digits of a character");
				return false;
			}
			g_string_append_unichar(out, u);
			i += 6;
			break;
		}
		default: {
			g_string_free(out, TRUE);
			if (i + 1 >= p->limit) {
				perr(p, tk->off, "unterminated string");
				return false;
			}
			/* The escaped character may be a whole hanzi: quote all of it. */
			char ch[8] = {0};
			g_unichar_to_utf8(g_utf8_get_char(s + i + 1), ch);
			perr(p, i, "unknown escape '\\%s' (use \\\\, \\', \\\", \\n, \\t or \\uXXXX)",
			     ch);
			return false;
		}
		}
	}
	tk->type = T_STRING;
	tk->len = i - tk->off;
	tk->str_len = out->len;
	tk->str = g_string_free(out, FALSE);
	p->pos = i;
	return true;
}

/* Reads the next token into p->tok; false (reported) on a lexical error. */
static bool lex(parser *p)
{
	const char *s = p->t->src;
	g_free(p->tok.str);
	p->tok.str = NULL;
	for (;;) {
		if (p->pos < p->limit && (s[p->pos] == ' ' || s[p->pos] == '\t' ||
		                          s[p->pos] == '\n' || s[p->pos] == '\r')) {
			p->pos++;
		} else if (p->pos + 2 < p->limit && g_utf8_get_char(s + p->pos) == 0x3000) {
			p->pos += 3; /* 全角空格: invisible in an editor, so accept it */
		} else {
			break;
		}
	}
	token *tk = &p->tok;
	tk->off = p->pos;
	tk->len = 1;
	if (p->pos >= p->limit) {
		tk->type = T_EOF;
		tk->len = 0;
		return true;
	}
	char c = s[p->pos], n = p->pos + 1 < p->limit ? s[p->pos + 1] : '\0';
	if (g_ascii_isalpha(c) || c == '_') {
		size_t i = p->pos;
		while (i < p->limit && (g_ascii_isalnum(s[i]) || s[i] == '_'))
			i++;
		tk->len = i - p->pos;
		tk->type = T_IDENT;
		for (size_t k = 0; k < G_N_ELEMENTS(keywords); k++)
			if (strlen(keywords[k].word) == tk->len &&
			    memcmp(keywords[k].word, s + p->pos, tk->len) == 0)
				tk->type = keywords[k].type;
		p->pos = i;
		return true;
	}
	if (g_ascii_isdigit(c)) {
		size_t i = p->pos;
		while (i < p->limit && g_ascii_isdigit(s[i]))
			i++;
		if (i + 1 < p->limit && s[i] == '.' && g_ascii_isdigit(s[i + 1])) {
			i++;
			while (i < p->limit && g_ascii_isdigit(s[i]))
				i++;
		}
		tk->type = T_NUMBER;
		tk->len = i - p->pos;
		p->pos = i;
		return true;
	}
	if (c == '\'' || c == '"')
		return lex_string(p, tk);
	tok_type two = T_EOF;
	if (c == '=' && n == '=')
		two = T_EQ;
	else if (c == '!' && n == '=')
		two = T_NE;
	else if (c == '<' && n == '=')
		two = T_LE;
	else if (c == '>' && n == '=')
		two = T_GE;
	else if (c == '}' && n == '}' && p->in_braces)
		two = T_CLOSE;
	if (two != T_EOF) {
		tk->type = two;
		tk->len = 2;
		p->pos += 2;
		return true;
	}
	switch (c) {
	case '(': tk->type = T_LPAREN; break;
	case ')': tk->type = T_RPAREN; break;
	case '[': tk->type = T_LBRACK; break;
	case ']': tk->type = T_RBRACK; break;
	case ',': tk->type = T_COMMA; break;
	case '.': tk->type = T_DOT; break;
	case '~': tk->type = T_TILDE; break;
	case '+': tk->type = T_PLUS; break;
	case '-': tk->type = T_MINUS; break;
	case '*': tk->type = T_STAR; break;
	case '/': tk->type = T_SLASH; break;
	case '<': tk->type = T_LT; break;
	case '>': tk->type = T_GT; break;
	case '|':
		if (n == '|') {
			perr(p, p->pos, "unexpected '||' (use 'or')");
			return false;
		}
		tk->type = T_PIPE;
		break;
	case '&':
		perr(p, p->pos, "unexpected '%c' (use 'and')", c);
		return false;
	case '=':
		perr(p, p->pos, "unexpected '=' (use '==' to compare)");
		return false;
	case '!':
		perr(p, p->pos, "unexpected '!' (use 'not', or '!=' to compare)");
		return false;
	default: {
		gunichar u = g_utf8_get_char(s + p->pos);
		for (size_t k = 0; k < G_N_ELEMENTS(fullwidth); k++)
			if (fullwidth[k].wide == u) {
				perr(p, p->pos, "unexpected full-width character (use '%s')",
				     fullwidth[k].ascii);
				return false;
			}
		char buf[8] = {0};
		g_unichar_to_utf8(u, buf);
		perr(p, p->pos, "unexpected character '%s'", buf);
		return false;
	}
	}
	p->pos++;
	return true;
}

/* The current token, quoted for a message.  Caller g_free()s. */
static char *tok_desc(const parser *p)
{
	if (p->tok.type == T_EOF)
		return g_strdup(p->in_braces ? "the end of the text" : "the end of the expression");
	size_t len = MIN(p->tok.len, 24);
	/* Cut at a character boundary so a message stays valid UTF-8. */
	const char *s = p->t->src + p->tok.off;
	const char *cut = g_utf8_find_prev_char(s, s + len + 1);
	if (len < p->tok.len && cut)
		len = (size_t)(cut - s);
	return g_strdup_printf("'%.*s'", (int)len, s);
}

static int expected(parser *p, const char *what)
{
	char *d = tok_desc(p);
	perr(p, p->tok.off, "expected %s, found %s", what, d);
	g_free(d);
	return WS_EINPUT;
}

/* ------------------------------------------------------------------ */
/* Parser                                                               */

static expr_node *node_new(parser *p, node_kind kind, size_t off, size_t start)
{
	expr_node *n = g_new0(expr_node, 1);
	n->kind = kind;
	n->off = off;
	n->start = start;
	n->end = start;
	n->depth = 1;
	g_ptr_array_add(p->t->nodes, n);
	return n;
}

/* Fixes the node's depth from its children.  Bounding the tree's depth
 * (not only the parser's recursion) is what keeps evaluation, which
 * recurses over the tree, within WS_EXPR_MAX_DEPTH frames: `1+1+1+...` is
 * parsed by a loop but makes a deep tree. */
static bool node_seal(parser *p, expr_node *n, size_t end)
{
	unsigned d = 0;
	const expr_node *kids[3] = {n->a, n->b, n->c};
	for (int k = 0; k < 3; k++)
		if (kids[k])
			d = MAX(d, kids[k]->depth);
	for (size_t k = 0; k < n->nargs; k++)
		d = MAX(d, n->args[k]->depth);
	n->depth = d + 1;
	n->end = end;
	if (n->depth > WS_EXPR_MAX_DEPTH) {
		plimit(p, n->off, "expression nests more than %d levels deep", WS_EXPR_MAX_DEPTH);
		return false;
	}
	return true;
}

/* End of the previous token: where a node that ends there stops. */
static size_t prev_end(const parser *p, const token *t)
{
	return t->off + t->len;
}

static expr_node *parse_expr(parser *p);

static bool enter(parser *p)
{
	if (++p->nesting > WS_EXPR_MAX_DEPTH) {
		plimit(p, p->tok.off, "expression nests more than %d levels deep", WS_EXPR_MAX_DEPTH);
		return false;
	}
	return true;
}

/* Parses `( args )` or `[ items ]` after the opening token, which is
 * current: a comma-separated list, trailing comma allowed. */
static bool parse_list(parser *p, tok_type close, const char *closer, expr_node *n)
{
	GPtrArray *items = g_ptr_array_new();
	if (!lex(p))
		goto fail;
	while (p->tok.type != close) {
		expr_node *e = parse_expr(p);
		if (!e)
			goto fail;
		g_ptr_array_add(items, e);
		if (p->tok.type == T_COMMA) {
			if (!lex(p))
				goto fail;
		} else if (p->tok.type != close) {
			char what[32];
			g_snprintf(what, sizeof what, "',' or '%s'", closer);
			expected(p, what);
			goto fail;
		}
	}
	n->nargs = items->len;
	n->args = (expr_node **)g_ptr_array_free(items, FALSE);
	return true;
fail:
	g_ptr_array_free(items, TRUE);
	return false;
}

static expr_node *parse_primary(parser *p)
{
	token t = p->tok;
	expr_node *n;
	switch (t.type) {
	case T_NUMBER: {
		ws_dec d;
		if (!ws_dec_parse(p->t->src + t.off, t.len, &d)) {
			plimit(p, t.off, "number is too large");
			return NULL;
		}
		n = node_new(p, N_LIT, t.off, t.off);
		n->lit = ws_dec_value(d, loc_at(p->t, t.off));
		break;
	}
	case T_STRING:
		n = node_new(p, N_LIT, t.off, t.off);
		n->lit = ws_value_new_string_take(p->tok.str, loc_at(p->t, t.off));
		p->tok.str = NULL;
		break;
	case T_TRUE:
	case T_FALSE:
		n = node_new(p, N_LIT, t.off, t.off);
		n->lit = ws_value_new_bool(t.type == T_TRUE, loc_at(p->t, t.off));
		break;
	case T_NULL:
		n = node_new(p, N_LIT, t.off, t.off);
		n->lit = ws_value_new_null(loc_at(p->t, t.off));
		break;
	case T_IDENT:
		n = node_new(p, N_VAR, t.off, t.off);
		n->name = g_strndup(p->t->src + t.off, t.len);
		break;
	case T_LPAREN: {
		if (!lex(p))
			return NULL;
		n = parse_expr(p);
		if (!n)
			return NULL;
		if (p->tok.type != T_RPAREN) {
			expected(p, "')'");
			return NULL;
		}
		/* The parenthesised node's span grows to include the parens,
		 * so a path in parens still names itself. */
		token close = p->tok;
		if (!lex(p))
			return NULL;
		n->start = t.off;
		n->end = prev_end(p, &close);
		return n;
	}
	case T_LBRACK: {
		n = node_new(p, N_LIST, t.off, t.off);
		if (!parse_list(p, T_RBRACK, "]", n))
			return NULL;
		token close = p->tok;
		if (!node_seal(p, n, prev_end(p, &close)) || !lex(p))
			return NULL;
		return n;
	}
	default:
		expected(p, "an expression");
		return NULL;
	}
	n->end = prev_end(p, &t);
	if (!lex(p))
		return NULL;
	return n;
}

/* Checks a filter call against its definition at compile time: the name,
 * the argument count, and the type of every literal argument. */
static bool check_filter(parser *p, expr_node *n, size_t name_len)
{
	const char *name = p->t->src + n->off;
	const expr_filter *f = expr_filter_find(name, name_len);
	if (!f) {
		const char *hint = expr_filter_suggest(name, name_len);
		if (hint)
			perr(p, n->off, "unknown filter '%.*s' (did you mean '%s'?)", (int)name_len, name,
			     hint);
		else
			perr(p, n->off, "unknown filter '%.*s'", (int)name_len, name);
		return false;
	}
	n->filter = f;
	if (n->nargs < f->min_args || n->nargs > f->max_args) {
		if (f->min_args == f->max_args)
			perr(p, n->off, "filter '%s' takes %u argument%s, got %zu", f->name, f->min_args,
			     f->min_args == 1 ? "" : "s", n->nargs);
		else
			perr(p, n->off, "filter '%s' takes %u to %u arguments, got %zu", f->name,
			     f->min_args, f->max_args, n->nargs);
		return false;
	}
	for (size_t k = 0; k < n->nargs; k++) {
		const expr_node *a = n->args[k];
		if (a->kind == N_LIT && !expr_arg_fits(f->arg_kinds[k], a->lit)) {
			char *d = expr_describe(a->lit);
			perr(p, a->start, "argument %zu of '%s' must be %s, got %s", k + 1, f->name,
			     expr_arg_kind_name(f->arg_kinds[k]), d);
			g_free(d);
			return false;
		}
	}
	return true;
}

/* `.name`, `[index]` and, when `filters`, `| filter(args)` after `n`. */
static expr_node *parse_postfix(parser *p, expr_node *n, bool filters)
{
	while (n) {
		token t = p->tok;
		expr_node *m;
		if (t.type == T_DOT) {
			if (!lex(p))
				return NULL;
			if (p->tok.type != T_IDENT) {
				expected(p, "a field name after '.'");
				return NULL;
			}
			m = node_new(p, N_MEMBER, p->tok.off, n->start);
			m->name = g_strndup(p->t->src + p->tok.off, p->tok.len);
			m->a = n;
			token name = p->tok;
			if (!node_seal(p, m, prev_end(p, &name)) || !lex(p))
				return NULL;
		} else if (t.type == T_LBRACK) {
			if (!enter(p) || !lex(p))
				return NULL;
			m = node_new(p, N_INDEX, t.off, n->start);
			m->a = n;
			m->b = parse_expr(p);
			p->nesting--;
			if (!m->b)
				return NULL;
			if (p->tok.type != T_RBRACK) {
				expected(p, "']'");
				return NULL;
			}
			token close = p->tok;
			if (!node_seal(p, m, prev_end(p, &close)) || !lex(p))
				return NULL;
		} else if (t.type == T_PIPE && filters) {
			if (!lex(p))
				return NULL;
			if (p->tok.type != T_IDENT) {
				expected(p, "a filter name after '|'");
				return NULL;
			}
			token name = p->tok;
			m = node_new(p, N_FILTER, name.off, n->start);
			m->a = n;
			if (!lex(p))
				return NULL;
			size_t end = prev_end(p, &name);
			if (p->tok.type == T_LPAREN) {
				if (!enter(p))
					return NULL;
				bool ok = parse_list(p, T_RPAREN, ")", m);
				p->nesting--;
				if (!ok)
					return NULL;
				end = prev_end(p, &p->tok);
				if (!lex(p))
					return NULL;
			}
			if (!check_filter(p, m, name.len) || !node_seal(p, m, end))
				return NULL;
		} else {
			break;
		}
		n = m;
	}
	return n;
}

/* unary := '-' unary | primary postfix.  As in Jinja, the filters of a
 * negated operand apply to the negation: `-5 | cn_num` is 负五, while
 * member access binds tighter: `-it.count` is -(it.count). */
static expr_node *parse_unary(parser *p, bool filters)
{
	if (p->tok.type != T_MINUS)
		return parse_postfix(p, parse_primary(p), filters);
	token t = p->tok;
	if (!enter(p) || !lex(p))
		return NULL;
	expr_node *a = parse_unary(p, false);
	p->nesting--;
	if (!a)
		return NULL;
	expr_node *n = NULL;
	/* Fold `-literal` so `index(-1)` is a literal argument, checked at
	 * compile time like any other. */
	if (a->kind == N_LIT && ws_value_get_type(a->lit) == WS_VALUE_NUMBER) {
		ws_dec d;
		if (ws_dec_from_value(a->lit, &d)) {
			d.m = -d.m;
			ws_value_unref(a->lit);
			a->lit = ws_dec_value(d, loc_at(p->t, t.off));
			a->start = a->off = t.off;
			n = a;
		}
	}
	if (!n) {
		n = node_new(p, N_NEG, t.off, t.off);
		n->a = a;
		if (!node_seal(p, n, a->end))
			return NULL;
	}
	return parse_postfix(p, n, filters);
}

static expr_node *parse_operand(parser *p)
{
	return parse_unary(p, true);
}

/* Left-associative binary levels share one loop. */
static expr_node *parse_binary(parser *p, expr_node *(*operand)(parser *), const tok_type *ops,
                               node_kind kind)
{
	expr_node *n = operand(p);
	while (n) {
		tok_type op = p->tok.type;
		bool match = false;
		for (const tok_type *o = ops; *o != T_EOF; o++)
			match |= *o == op;
		if (!match)
			break;
		expr_node *m = node_new(p, kind, p->tok.off, n->start);
		m->op = op;
		m->a = n;
		if (!lex(p))
			return NULL;
		m->b = operand(p);
		if (!m->b || !node_seal(p, m, m->b->end))
			return NULL;
		n = m;
	}
	return n;
}

static expr_node *parse_term(parser *p)
{
	static const tok_type ops[] = {T_STAR, T_SLASH, T_EOF};
	return parse_binary(p, parse_operand, ops, N_BIN);
}

static expr_node *parse_sum(parser *p)
{
	static const tok_type ops[] = {T_PLUS, T_MINUS, T_EOF};
	return parse_binary(p, parse_term, ops, N_BIN);
}

static expr_node *parse_concat(parser *p)
{
	static const tok_type ops[] = {T_TILDE, T_EOF};
	return parse_binary(p, parse_sum, ops, N_BIN);
}

static bool is_cmp(tok_type t)
{
	return t == T_EQ || t == T_NE || t == T_LT || t == T_LE || t == T_GT || t == T_GE ||
	       t == T_IN;
}

/* `not` directly before `in` makes `not in`; any other `not` here is the
 * start of something unexpected. */
static bool at_not_in(parser *p)
{
	if (p->tok.type != T_NOT)
		return false;
	size_t save = p->pos;
	token saved = p->tok;
	bool failed = p->failed;
	/* Peek without reporting: a lexical error after `not` is found again
	 * when the parser gets there. */
	p->failed = true;
	p->tok.str = NULL;
	bool ok = lex(p) && p->tok.type == T_IN;
	g_free(p->tok.str);
	p->tok = saved;
	p->pos = save;
	p->failed = failed;
	return ok;
}

static expr_node *parse_cmp(parser *p)
{
	expr_node *n = parse_concat(p);
	if (!n)
		return NULL;
	bool negate = at_not_in(p);
	if (!is_cmp(p->tok.type) && !negate)
		return n;
	token t = p->tok;
	if (negate && !lex(p))
		return NULL;
	expr_node *m = node_new(p, N_BIN, t.off, n->start);
	m->op = p->tok.type;
	m->negate = negate;
	m->a = n;
	if (!lex(p))
		return NULL;
	m->b = parse_concat(p);
	if (!m->b || !node_seal(p, m, m->b->end))
		return NULL;
	/* Python reads `a < b < c` as a chain, C as (a < b) < c: refuse both
	 * readings rather than pick one silently. */
	if (is_cmp(p->tok.type) || at_not_in(p)) {
		perr(p, p->tok.off, "comparisons cannot be chained (use 'and')");
		return NULL;
	}
	return m;
}

static expr_node *parse_not(parser *p)
{
	if (p->tok.type != T_NOT)
		return parse_cmp(p);
	token t = p->tok;
	if (!enter(p) || !lex(p))
		return NULL;
	expr_node *a = parse_not(p);
	p->nesting--;
	if (!a)
		return NULL;
	expr_node *n = node_new(p, N_NOT, t.off, t.off);
	n->a = a;
	return node_seal(p, n, a->end) ? n : NULL;
}

static expr_node *parse_and(parser *p)
{
	static const tok_type ops[] = {T_AND, T_EOF};
	return parse_binary(p, parse_not, ops, N_AND);
}

static expr_node *parse_or(parser *p)
{
	static const tok_type ops[] = {T_OR, T_EOF};
	return parse_binary(p, parse_and, ops, N_OR);
}

/* expr := or [ 'if' or [ 'else' expr ] ] */
static expr_node *parse_expr(parser *p)
{
	if (!enter(p))
		return NULL;
	expr_node *n = parse_or(p);
	if (n && p->tok.type == T_IF) {
		expr_node *m = node_new(p, N_COND, p->tok.off, n->start);
		m->a = n;
		if (!lex(p) || !(m->b = parse_or(p)))
			n = NULL;
		else if (p->tok.type == T_ELSE && (!lex(p) || !(m->c = parse_expr(p))))
			n = NULL;
		else
			n = node_seal(p, m, (m->c ? m->c : m->b)->end) ? m : NULL;
	}
	p->nesting--;
	return n;
}

/* ------------------------------------------------------------------ */
/* Compiling                                                            */

static ws_template *template_new(const char *src, ws_loc loc, const ws_value *origin)
{
	ws_template *t = g_new0(ws_template, 1);
	t->src = g_strdup(src);
	t->len = strlen(src);
	t->loc = loc;
	t->origin = origin ? ws_value_ref((ws_value *)origin) : NULL;
	t->parts = g_array_new(FALSE, FALSE, sizeof(part));
	t->nodes = g_ptr_array_new_with_free_func(node_free);
	return t;
}

void ws_template_free(ws_template *t)
{
	if (!t)
		return;
	g_array_unref(t->parts);
	g_ptr_array_unref(t->nodes);
	ws_value_unref(t->origin);
	g_free(t->src);
	g_free(t);
}

/* The checks every source passes before parsing: length and encoding
 * (columns count characters, so the text must be UTF-8). */
static int check_source(const ws_template *t, size_t max, ws_diags *diags)
{
	if (t->len > max)
		return ws_diag_add(diags, WS_SEVERITY_ERROR, loc_at(t, 0), "limit", NULL,
		                   "%s is %zu bytes, more than the limit of %zu",
		                   max == WS_EXPR_MAX_SOURCE ? "expression text" : "template text", t->len, max);
	const char *bad;
	if (!g_utf8_validate(t->src, (gssize)t->len, &bad))
		return ws_error_at(diags, loc_at(t, (size_t)(bad - t->src)), "text is not valid UTF-8");
	return WS_OK;
}

/* Finds the `}}` closing a `{{`, skipping string literals (a `}}` inside
 * quotes does not close).  Returns its offset, or -1; *open_quote is set
 * when the scan ran off the end inside a string, which the parser reports
 * more precisely as an unterminated string. */
static gssize find_close(const char *s, size_t len, size_t from, bool *open_quote)
{
	*open_quote = false;
	for (size_t i = from; i < len; i++) {
		if (s[i] == '\'' || s[i] == '"') {
			char q = s[i];
			for (i++; i < len && s[i] != q; i++)
				if (s[i] == '\\')
					i++;
			if (i >= len) {
				*open_quote = true;
				return -1;
			}
		} else if (s[i] == '}' && i + 1 < len && s[i + 1] == '}') {
			return (gssize)i;
		}
	}
	return -1;
}

/* Fixes every node's file position once, at compile time, so evaluation
 * never rescans the source to place a result value. */
static void locate_nodes(ws_template *t)
{
	for (guint i = 0; i < t->nodes->len; i++) {
		expr_node *n = g_ptr_array_index(t->nodes, i);
		n->loc = loc_at(t, n->off);
	}
}

static bool is_blank(const char *s, size_t len)
{
	for (const char *p = s; p < s + len; p = g_utf8_next_char(p))
		if (!g_unichar_isspace(g_utf8_get_char(p)))
			return false;
	return true;
}

/* Parses one expression at p->pos up to `limit`; the terminator is `}}`
 * inside braces and the end of the source otherwise. */
static expr_node *parse_one(parser *p)
{
	p->failed = false;
	p->nesting = 0;
	if (!lex(p))
		return NULL;
	expr_node *n = parse_expr(p);
	if (!n)
		return NULL;
	tok_type want = p->in_braces ? T_CLOSE : T_EOF;
	if (p->tok.type != want) {
		if (p->tok.type == T_IDENT || p->tok.type == T_NUMBER || p->tok.type == T_STRING ||
		    p->tok.type == T_LPAREN || p->tok.type == T_LBRACK)
			expected(p, p->in_braces ? "an operator or '}}'" : "an operator");
		else
			expected(p, p->in_braces ? "'}}'" : "the end of the expression");
		return NULL;
	}
	return n;
}

static int compile(ws_template **out, const char *src, ws_loc loc, const ws_value *origin, ws_diags *diags)
{
	if (!out || !src)
		return WS_EUSAGE;
	*out = NULL;
	ws_template *t = template_new(src, loc, origin);
	/* Literal text may be long (a paragraph of a note); each {{ }} part is
	 * held to the expression limit below. */
	int rc = check_source(t, WS_EXPR_MAX_STRING, diags);
	if (rc) {
		ws_template_free(t);
		return rc;
	}
	parser p = {.t = t, .diags = diags, .limit = t->len, .in_braces = true};
	bool ok = true;
	size_t pos = 0;
	while (pos < t->len) {
		const char *open = strstr(t->src + pos, "{{");
		size_t o = open ? (size_t)(open - t->src) : t->len;
		if (o > pos) {
			part text = {NULL, pos, o - pos};
			g_array_append_val(t->parts, text);
		}
		if (!open)
			break;
		bool open_quote;
		gssize close = find_close(t->src, t->len, o + 2, &open_quote);
		if (close < 0 && !open_quote) {
			ws_error_at(diags, loc_at(t, o), "'{{' is not closed by '}}'");
			ok = false;
			break;
		}
		size_t span = close < 0 ? t->len - o : (size_t)close + 2 - o;
		if (span > WS_EXPR_MAX_SOURCE) {
			ws_diag_add(diags, WS_SEVERITY_ERROR, loc_at(t, o), "limit", NULL,
			            "expression text is %zu bytes, more than the limit of %d", span, WS_EXPR_MAX_SOURCE);
			ok = false;
			break;
		}
		p.pos = o + 2;
		expr_node *n = parse_one(&p);
		g_free(p.tok.str);
		p.tok.str = NULL;
		if (!n) {
			ok = false;
			if (close < 0)
				break;
			pos = (size_t)close + 2; /* go on: report every bad part at once */
			continue;
		}
		part e = {n, o, p.pos - o};
		g_array_append_val(t->parts, e);
		pos = p.pos;
	}
	if (!ok) {
		ws_template_free(t);
		return WS_EINPUT;
	}
	locate_nodes(t);
	size_t nexpr = 0;
	const expr_node *only = NULL;
	bool blank = true;
	for (guint i = 0; i < t->parts->len; i++) {
		const part *pt = &g_array_index(t->parts, part, i);
		if (pt->expr) {
			nexpr++;
			only = pt->expr;
		} else {
			blank &= is_blank(t->src + pt->off, pt->len);
		}
	}
	if (nexpr == 1 && blank)
		t->single = only;
	*out = t;
	return WS_OK;
}

int ws_template_compile(ws_template **out, const char *src, ws_loc loc, ws_diags *diags)
{
	return compile(out, src, loc, NULL, diags);
}

static int compile_expr(ws_template **out, const char *src, ws_loc loc, const ws_value *origin,
                        ws_diags *diags)
{
	if (!out || !src)
		return WS_EUSAGE;
	*out = NULL;
	/* `each: "{{ group.applicants }}"` is written often enough by people
	 * used to the braces elsewhere that refusing it would only annoy. */
	const char *s = src;
	while (g_ascii_isspace(*s))
		s++;
	if (s[0] == '{' && s[1] == '{') {
		ws_template *t;
		int rc = compile(&t, src, loc, origin, diags);
		if (rc)
			return rc;
		if (!t->single) {
			rc = ws_error_at(diags, loc_at(t, (size_t)(s - src)),
			                 "expected a single expression, not text with '{{ }}' parts");
			ws_template_free(t);
			return rc;
		}
		*out = t;
		return WS_OK;
	}
	ws_template *t = template_new(src, loc, origin);
	int rc = check_source(t, WS_EXPR_MAX_SOURCE, diags);
	if (rc) {
		ws_template_free(t);
		return rc;
	}
	parser p = {.t = t, .diags = diags, .limit = t->len, .in_braces = false};
	expr_node *n = parse_one(&p);
	g_free(p.tok.str);
	if (!n) {
		ws_template_free(t);
		return WS_EINPUT;
	}
	part e = {n, 0, t->len};
	g_array_append_val(t->parts, e);
	t->single = n;
	locate_nodes(t);
	*out = t;
	return WS_OK;
}

int ws_template_compile_expr(ws_template **out, const char *src, ws_loc loc, ws_diags *diags)
{
	return compile_expr(out, src, loc, NULL, diags);
}

int ws_template_compile_value(ws_template **out, const ws_value *v, bool bare, ws_diags *diags)
{
	if (!v || !ws_value_text(v))
		return WS_EUSAGE;
	/* A string value knows where each of its characters was written
	 * (inside quotes, after escapes); other scalars are taken as their
	 * plain text. */
	const ws_value *origin = ws_value_get_type(v) == WS_VALUE_STRING ? v : NULL;
	return bare ? compile_expr(out, ws_value_text(v), ws_value_loc(v), origin, diags)
	            : compile(out, ws_value_text(v), ws_value_loc(v), origin, diags);
}

bool ws_template_is_constant(const ws_template *t)
{
	if (!t)
		return true;
	for (guint i = 0; i < t->parts->len; i++)
		if (g_array_index(t->parts, part, i).expr)
			return false;
	return true;
}

bool ws_template_is_single_expr(const ws_template *t)
{
	return t && t->single;
}

ws_loc ws_template_loc(const ws_template *t)
{
	return t ? t->loc : WS_LOC_NONE;
}

const char *ws_template_source(const ws_template *t)
{
	return t ? t->src : NULL;
}

/* ------------------------------------------------------------------ */
/* Evaluation                                                           */

struct expr_eval {
	const ws_template *t;
	const ws_value *scope;
	ws_diags *diags;
	size_t steps;
};

static bool is_path(const expr_node *n)
{
	return n && (n->kind == N_VAR || n->kind == N_MEMBER || n->kind == N_INDEX);
}

static int eval_failv(expr_eval *cx, size_t off, const expr_node *subject, const char *rule,
                      const char *fmt, va_list ap)
{
	char *path = is_path(subject) ? g_strndup(cx->t->src + subject->start,
	                                          subject->end - subject->start)
	                              : NULL;
	ws_diag_addv(cx->diags, WS_SEVERITY_ERROR, loc_at(cx->t, off), rule, path, fmt, ap);
	g_free(path);
	return WS_EINPUT;
}

/* Reports an error about a whole subexpression, at its first character. */
static int eval_fail_whole(expr_eval *cx, const expr_node *n, const char *fmt, ...) WS_PRINTF(3, 4);
static int eval_fail_whole(expr_eval *cx, const expr_node *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	eval_failv(cx, n->start, n, NULL, fmt, ap);
	va_end(ap);
	return WS_EINPUT;
}

/* Reports at node `at`; `subject` names the data path when it is one. */
static int eval_fail(expr_eval *cx, const expr_node *at, const expr_node *subject,
                     const char *fmt, ...) WS_PRINTF(4, 5);
static int eval_fail(expr_eval *cx, const expr_node *at, const expr_node *subject,
                     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	eval_failv(cx, at->off, subject, NULL, fmt, ap);
	va_end(ap);
	return WS_EINPUT;
}

static int eval_limit(expr_eval *cx, const expr_node *at, const char *fmt, ...) WS_PRINTF(3, 4);
static int eval_limit(expr_eval *cx, const expr_node *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	eval_failv(cx, at->off, NULL, "limit", fmt, ap);
	va_end(ap);
	return WS_EINPUT;
}

static int charge(expr_eval *cx, const expr_node *at, size_t steps)
{
	cx->steps += steps;
	if (cx->steps > WS_EXPR_MAX_STEPS)
		return eval_limit(cx, at, "evaluation takes more than %d steps", WS_EXPR_MAX_STEPS);
	return WS_OK;
}

static int check_len(expr_eval *cx, const expr_node *at, size_t len)
{
	if (len > WS_EXPR_MAX_STRING)
		return eval_limit(cx, at, "text result is %zu bytes, more than the limit of %d", len,
		                  WS_EXPR_MAX_STRING);
	return WS_OK;
}

int expr_call_fail(const expr_call *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	eval_failv(c->cx, c->node->off, c->node->a, NULL, fmt, ap);
	va_end(ap);
	return WS_EINPUT;
}

int expr_call_charge(const expr_call *c, size_t steps)
{
	return charge(c->cx, c->node, steps);
}

int expr_call_check_len(const expr_call *c, size_t len)
{
	return check_len(c->cx, c->node, len);
}

ws_loc expr_call_loc(const expr_call *c)
{
	return c->node->loc;
}

char *expr_describe(const ws_value *v)
{
	char *s = ws_value_to_string(v);
	if (g_utf8_strlen(s, -1) <= 60)
		return s;
	char *cut = g_utf8_substring(s, 0, 57);
	char *r = g_strconcat(cut, "...", NULL);
	g_free(cut);
	g_free(s);
	return r;
}

static const char *describe_type(const ws_value *v)
{
	return ws_value_type_name(ws_value_get_type(v));
}

/* Equality: numbers (and decimal text against a number) by value, so that
 * 3 == 3.0 and "185.00" == 185; everything else structurally. */
static bool values_equal(const ws_value *a, const ws_value *b)
{
	ws_value_type ta = ws_value_get_type(a), tb = ws_value_get_type(b);
	if (ta == WS_VALUE_NUMBER || tb == WS_VALUE_NUMBER) {
		ws_dec x, y;
		if (ta == WS_VALUE_NUMBER && tb == WS_VALUE_NUMBER &&
		    !(ws_dec_from_value(a, &x) && ws_dec_from_value(b, &y)))
			return ws_value_equal(a, b); /* inf, nan: leave it to value.c */
		if (!ws_dec_from_value(a, &x) || !ws_dec_from_value(b, &y))
			return false;
		return ws_dec_cmp(x, y) == 0;
	}
	return ws_value_equal(a, b);
}

/* A scalar's text for `~` and rendering; false for lists and maps. */
static bool scalar_text(const ws_value *v, const char **s, size_t *len)
{
	ws_value_type t = ws_value_get_type(v);
	if (t == WS_VALUE_LIST || t == WS_VALUE_MAP)
		return false;
	*s = ws_value_text(v);
	*len = ws_value_text_len(v);
	return true;
}

static int eval(expr_eval *cx, const expr_node *n, ws_value **out);

static int eval_arith(expr_eval *cx, const expr_node *n, ws_value *a, ws_value *b, ws_value **out)
{
	ws_dec x, y, r;
	const char *sym = n->op == T_PLUS ? "+" : n->op == T_MINUS ? "-" : n->op == T_STAR ? "*" : "/";
	ws_value *bad = !ws_dec_from_value(a, &x) ? a : !ws_dec_from_value(b, &y) ? b : NULL;
	if (bad) {
		char *d = expr_describe(bad);
		bool texts = n->op == T_PLUS && ws_value_get_type(a) == WS_VALUE_STRING &&
		             ws_value_get_type(b) == WS_VALUE_STRING;
		eval_fail(cx, n, bad == a ? n->a : n->b, "'%s' needs numbers, got %s %s%s", sym,
		          describe_type(bad), d, texts ? " (use '~' to join text)" : "");
		g_free(d);
		return WS_EINPUT;
	}
	bool ok;
	switch (n->op) {
	case T_PLUS: ok = ws_dec_add(x, y, false, &r); break;
	case T_MINUS: ok = ws_dec_add(x, y, true, &r); break;
	case T_STAR: ok = ws_dec_mul(x, y, &r); break;
	default:
		if (y.m == 0)
			return eval_fail(cx, n, n->b, "division by zero");
		ok = ws_dec_div(x, y, &r);
		break;
	}
	if (!ok)
		return eval_fail(cx, n, NULL, "number overflow in '%s'", sym);
	*out = ws_dec_value(r, n->loc);
	return WS_OK;
}

static int eval_order(expr_eval *cx, const expr_node *n, ws_value *a, ws_value *b, ws_value **out)
{
	ws_value_type ta = ws_value_get_type(a), tb = ws_value_get_type(b);
	int c;
	ws_dec x, y;
	if ((ta == WS_VALUE_NUMBER || tb == WS_VALUE_NUMBER) && ws_dec_from_value(a, &x) &&
	    ws_dec_from_value(b, &y)) {
		c = ws_dec_cmp(x, y);
	} else if (ta == WS_VALUE_STRING && tb == WS_VALUE_STRING) {
		/* Byte order of UTF-8 is code-point order, and ISO dates sort
		 * as text. */
		c = strcmp(ws_value_text(a), ws_value_text(b));
	} else {
		char *da = expr_describe(a), *db = expr_describe(b);
		eval_fail(cx, n, ta == WS_VALUE_NULL ? n->a : tb == WS_VALUE_NULL ? n->b : NULL,
		          "cannot order %s %s and %s %s", ws_value_type_name(ta), da,
		          ws_value_type_name(tb), db);
		g_free(da);
		g_free(db);
		return WS_EINPUT;
	}
	bool r = n->op == T_LT ? c < 0 : n->op == T_LE ? c <= 0 : n->op == T_GT ? c > 0 : c >= 0;
	*out = ws_value_new_bool(r, n->loc);
	return WS_OK;
}

static int eval_in(expr_eval *cx, const expr_node *n, ws_value *a, ws_value *b, ws_value **out)
{
	bool found = false;
	int rc;
	switch (ws_value_get_type(b)) {
	case WS_VALUE_NULL:
		break; /* an absent optional list contains nothing */
	case WS_VALUE_LIST: {
		size_t len = ws_value_length(b);
		if ((rc = charge(cx, n, len)))
			return rc;
		for (size_t i = 0; i < len && !found; i++)
			found = values_equal(a, ws_value_list_at(b, i));
		break;
	}
	case WS_VALUE_STRING:
	case WS_VALUE_MAP: {
		const char *s;
		size_t len;
		if (!scalar_text(a, &s, &len) || ws_value_get_type(a) == WS_VALUE_NULL) {
			char *d = expr_describe(a);
			eval_fail(cx, n, n->a, "'in' looks for text here, got %s %s", describe_type(a), d);
			g_free(d);
			return WS_EINPUT;
		}
		if (ws_value_get_type(b) == WS_VALUE_MAP)
			found = ws_value_map_get(b, s) != NULL;
		else
			found = strstr(ws_value_text(b), s) != NULL;
		break;
	}
	default: {
		char *d = expr_describe(b);
		eval_fail(cx, n, n->b, "'in' needs a list, a text or a map on its right, got %s %s",
		          describe_type(b), d);
		g_free(d);
		return WS_EINPUT;
	}
	}
	*out = ws_value_new_bool(found != n->negate, n->loc);
	return WS_OK;
}

static int eval_concat(expr_eval *cx, const expr_node *n, ws_value *a, ws_value *b, ws_value **out)
{
	const char *sa = "", *sb = "";
	size_t la = 0, lb = 0;
	ws_value *bad = !scalar_text(a, &sa, &la) ? a : !scalar_text(b, &sb, &lb) ? b : NULL;
	if (bad)
		return eval_fail(cx, n, bad == a ? n->a : n->b,
		                 "'~' joins text, got a %s (use join to make text of a list)",
		                 describe_type(bad));
	int rc = check_len(cx, n, la + lb);
	if (rc)
		return rc;
	char *s = g_malloc(la + lb + 1);
	memcpy(s, sa, la);
	memcpy(s + la, sb, lb);
	s[la + lb] = '\0';
	*out = ws_value_new_string_take(s, n->loc);
	return WS_OK;
}

static int eval_bin(expr_eval *cx, const expr_node *n, ws_value **out)
{
	ws_value *a = NULL, *b = NULL;
	int rc = eval(cx, n->a, &a);
	if (!rc)
		rc = eval(cx, n->b, &b);
	if (!rc) {
		switch (n->op) {
		case T_PLUS: case T_MINUS: case T_STAR: case T_SLASH:
			rc = eval_arith(cx, n, a, b, out);
			break;
		case T_EQ: case T_NE: {
			size_t cost = ws_value_length(a) + ws_value_length(b);
			if (!(rc = charge(cx, n, cost)))
				*out = ws_value_new_bool(values_equal(a, b) == (n->op == T_EQ),
				                         n->loc);
			break;
		}
		case T_LT: case T_LE: case T_GT: case T_GE:
			rc = eval_order(cx, n, a, b, out);
			break;
		case T_IN:
			rc = eval_in(cx, n, a, b, out);
			break;
		default: /* T_TILDE */
			rc = eval_concat(cx, n, a, b, out);
			break;
		}
	}
	ws_value_unref(a);
	ws_value_unref(b);
	return rc;
}

static int eval_index(expr_eval *cx, const expr_node *n, ws_value *base, ws_value *key,
                      ws_value **out)
{
	ws_value *found = NULL;
	switch (ws_value_get_type(base)) {
	case WS_VALUE_LIST: {
		ws_dec d;
		int64_t i;
		if (!ws_dec_from_value(key, &d) || !ws_dec_to_int(d, &i) ||
		    ws_value_get_type(key) != WS_VALUE_NUMBER) {
			char *k = expr_describe(key);
			eval_fail(cx, n, n->b, "a list index must be a whole number, got %s %s",
			          describe_type(key), k);
			g_free(k);
			return WS_EINPUT;
		}
		int64_t len = (int64_t)ws_value_length(base);
		if (i < 0)
			i += len; /* from the end: [-1] is the last item */
		if (i >= 0 && i < len)
			found = ws_value_list_at(base, (size_t)i);
		break;
	}
	case WS_VALUE_MAP: {
		const char *s;
		size_t len;
		if (scalar_text(key, &s, &len))
			found = ws_value_map_get(base, s);
		break;
	}
	default:
		break; /* indexing what is missing stays missing */
	}
	*out = found ? ws_value_ref(found) : ws_value_new_null(n->loc);
	return WS_OK;
}

static int eval_filter(expr_eval *cx, const expr_node *n, ws_value **out)
{
	const expr_filter *f = n->filter;
	ws_value *in = NULL;
	ws_value *args[8] = {NULL};
	int rc = eval(cx, n->a, &in);
	for (size_t k = 0; !rc && k < n->nargs && k < G_N_ELEMENTS(args); k++) {
		rc = eval(cx, n->args[k], &args[k]);
		if (!rc && !expr_arg_fits(f->arg_kinds[k], args[k])) {
			char *d = expr_describe(args[k]);
			rc = eval_fail_whole(cx, n->args[k], "argument %zu of '%s' must be %s, got %s",
			                     k + 1, f->name, expr_arg_kind_name(f->arg_kinds[k]), d);
			g_free(d);
		}
	}
	if (!rc) {
		if (f->null_passes && ws_value_is_null(in)) {
			*out = ws_value_ref(in);
		} else {
			expr_call call = {cx, n, f->name};
			rc = f->fn(&call, in, args, n->nargs, out);
		}
	}
	ws_value_unref(in);
	for (size_t k = 0; k < G_N_ELEMENTS(args); k++)
		ws_value_unref(args[k]);
	return rc;
}

/* Evaluates a node to a new reference.  Recursion is bounded by the tree
 * depth, which the parser capped at WS_EXPR_MAX_DEPTH. */
static int eval(expr_eval *cx, const expr_node *n, ws_value **out)
{
	int rc = charge(cx, n, 1);
	if (rc)
		return rc;
	ws_value *a = NULL, *b = NULL;
	switch (n->kind) {
	case N_LIT:
		*out = ws_value_ref(n->lit);
		return WS_OK;
	case N_LIST: {
		ws_value *list = ws_value_new_list(n->loc);
		for (size_t k = 0; k < n->nargs; k++) {
			ws_value *item;
			if ((rc = eval(cx, n->args[k], &item))) {
				ws_value_unref(list);
				return rc;
			}
			ws_value_list_append(list, item);
		}
		*out = list;
		return WS_OK;
	}
	case N_VAR: {
		ws_value *v = ws_value_map_get(cx->scope, n->name);
		if (v) {
			*out = ws_value_ref(v);
			return WS_OK;
		}
		/* A misspelt root would otherwise turn every path under it into
		 * null and the document into blanks: name it instead. */
		size_t count = ws_value_length(cx->scope);
		const char **names = g_new0(const char *, count + 1);
		for (size_t k = 0; k < count; k++)
			names[k] = ws_value_map_key_at(cx->scope, k);
		const char *hint = expr_suggest(n->name, strlen(n->name), names, count);
		if (hint)
			eval_fail(cx, n, NULL, "unknown name '%s' (did you mean '%s'?)", n->name, hint);
		else
			eval_fail(cx, n, NULL, "unknown name '%s'", n->name);
		g_free(names);
		return WS_EINPUT;
	}
	case N_MEMBER:
		if ((rc = eval(cx, n->a, &a)))
			return rc;
		b = ws_value_map_get(a, n->name);
		*out = b ? ws_value_ref(b) : ws_value_new_null(n->loc);
		ws_value_unref(a);
		return WS_OK;
	case N_INDEX:
		if (!(rc = eval(cx, n->a, &a)) && !(rc = eval(cx, n->b, &b)))
			rc = eval_index(cx, n, a, b, out);
		ws_value_unref(a);
		ws_value_unref(b);
		return rc;
	case N_NOT:
		if ((rc = eval(cx, n->a, &a)))
			return rc;
		*out = ws_value_new_bool(!ws_value_truthy(a), n->loc);
		ws_value_unref(a);
		return WS_OK;
	case N_NEG: {
		if ((rc = eval(cx, n->a, &a)))
			return rc;
		ws_dec d;
		if (!ws_dec_from_value(a, &d)) {
			char *desc = expr_describe(a);
			rc = eval_fail(cx, n, n->a, "'-' needs a number, got %s %s", describe_type(a), desc);
			g_free(desc);
		} else {
			d.m = -d.m;
			*out = ws_dec_value(d, n->loc);
		}
		ws_value_unref(a);
		return rc;
	}
	case N_AND:
	case N_OR: {
		if ((rc = eval(cx, n->a, &a)))
			return rc;
		bool t = ws_value_truthy(a);
		ws_value_unref(a);
		/* Short-circuit: `x and x.y > 0` must not evaluate x.y's test
		 * when x is missing. */
		if (t == (n->kind == N_AND)) {
			if ((rc = eval(cx, n->b, &b)))
				return rc;
			t = ws_value_truthy(b);
			ws_value_unref(b);
		}
		*out = ws_value_new_bool(t, n->loc);
		return WS_OK;
	}
	case N_COND: {
		if ((rc = eval(cx, n->b, &b)))
			return rc;
		bool t = ws_value_truthy(b);
		ws_value_unref(b);
		if (t)
			return eval(cx, n->a, out);
		if (n->c)
			return eval(cx, n->c, out);
		*out = ws_value_new_null(n->loc);
		return WS_OK;
	}
	case N_BIN:
		return eval_bin(cx, n, out);
	case N_FILTER:
		return eval_filter(cx, n, out);
	}
	return ws_error_at(cx->diags, n->loc, "internal: unknown expression node");
}

static int render(expr_eval *cx, char **out)
{
	GString *s = g_string_new(NULL);
	/* A template's text is at most WS_EXPR_MAX_STRING bytes (checked at
	 * compile time), so the string limit can only be passed once an
	 * expression was appended: that expression is where the error points. */
	const expr_node *last = NULL;
	for (guint i = 0; i < cx->t->parts->len; i++) {
		const part *pt = &g_array_index(cx->t->parts, part, i);
		if (pt->expr)
			last = pt->expr;
		const char *text = cx->t->src + pt->off;
		size_t len = pt->len;
		ws_value *v = NULL;
		int rc = WS_OK;
		if (pt->expr) {
			rc = eval(cx, pt->expr, &v);
			if (!rc && !scalar_text(v, &text, &len))
				rc = eval_fail_whole(cx, pt->expr,
				                     "a %s cannot be shown as text (use join, index or length)",
				                     describe_type(v));
		}
		if (!rc && s->len + len > WS_EXPR_MAX_STRING)
			rc = check_len(cx, last, s->len + len);
		if (!rc)
			g_string_append_len(s, text, (gssize)len);
		ws_value_unref(v);
		if (rc) {
			g_string_free(s, TRUE);
			return rc;
		}
	}
	*out = g_string_free(s, FALSE);
	return WS_OK;
}

int ws_template_render(const ws_template *t, const ws_value *scope, char **out, ws_diags *diags)
{
	if (!out)
		return WS_EUSAGE;
	*out = NULL;
	if (!t)
		return WS_EUSAGE;
	expr_eval cx = {t, scope, diags, 0};
	return render(&cx, out);
}

int ws_template_eval(const ws_template *t, const ws_value *scope, ws_value **out,
                     ws_diags *diags)
{
	if (!out)
		return WS_EUSAGE;
	*out = NULL;
	if (!t)
		return WS_EUSAGE;
	expr_eval cx = {t, scope, diags, 0};
	if (t->single)
		return eval(&cx, t->single, out);
	char *s;
	int rc = render(&cx, &s);
	if (rc)
		return rc;
	*out = ws_value_new_string_take(s, t->loc);
	return WS_OK;
}
