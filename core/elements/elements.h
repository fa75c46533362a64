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

/* For the types drawn whole in a box (rect, image, a plugin's element):
 * boxed_height is the element's `height` (0 when auto: the loader refuses
 * a boxed type with neither box nor height); boxed_place_flow makes room
 * for the class's start_height() (the next page when it does not fit),
 * has the class's place_box() draw it across the column at the cursor and
 * moves the cursor below it.  Defined in elements.c. */
double ws__elem_boxed_height(ws_flow *f, const ws_elem *e);
void ws__elem_boxed_place_flow(ws_flow *f, const ws_elem *e, double x, double width);

#endif
