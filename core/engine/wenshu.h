/* wenshu (文书): typesets visa paperwork from YAML layouts and group data.
 *
 * The umbrella header: one public header per module, each documented where
 * it is declared.  The data flow (docs/architecture.md):
 *
 *   data file ─► data.h (groups) ─┐
 *   layout.yaml ─► layout.h ──────┼─► engine.h: derive, validate ─► typeset.h ─► document.h ─► output.h
 *   plugins/NAME.so ─► plugin.h ─────┘        (expr.h and bind.h fill the templates; fonts.h and cjk.h set the text)
 */
#ifndef WENSHU_H
#define WENSHU_H

#include "common.h"
#include "diag.h"
#include "value.h"
#include "wslimits.h"
#include "wsyaml.h"
#include "data.h"
#include "fields.h"
#include "expr.h"
#include "bind.h"
#include "layout.h"
#include "plugin-abi.h"
#include "plugin.h"
#include "host.h"
#include "fonts.h"
#include "fontprep.h"
#include "cjk.h"
#include "document.h"
#include "typeset.h"
#include "twins.h"
#include "output.h"
#include "atomicfile.h"
#include "paths.h"
#include "cancel.h"
#include "overlay.h"
#include "pngenc.h"
#include "engine.h"
#include "packet.h"

#endif
