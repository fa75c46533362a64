/* The built-in element types, one file each in this folder (element.h
 * describes the interface; docs/architecture.md how to add one).  Not
 * installed. */
#ifndef WS_ELEMENTS_H
#define WS_ELEMENTS_H

#include "element.h"

extern const ws_elem_class ws__elem_text;       /* text.c */
extern const ws_elem_class ws__elem_rect;       /* rect.c */
extern const ws_elem_class ws__elem_line;       /* line.c */
extern const ws_elem_class ws__elem_table;      /* table.c */
extern const ws_elem_class ws__elem_checkbox;   /* checkbox.c */
extern const ws_elem_class ws__elem_image;      /* image.c */
extern const ws_elem_class ws__elem_group;      /* group.c: `elements:` */
extern const ws_elem_class ws__elem_page_break; /* page_break.c */
extern const ws_elem_class ws__elem_space;      /* space.c */

#endif
