/* X14 (DOMAIN §4.6): the note lists the group and speaks in the third
 * person.  The note's own rule; the note cover, which prints the note's
 * addressee and number, runs it too (plugins/note-cover/meson.build
 * builds this file into that module). */
#ifndef WS_NOTE_X14_H
#define WS_NOTE_X14_H

#include "visa.h"

/* Reports X14 into `diags`: the addressee (受照机关) is the post of
 * interview, and no text the note prints uses 贵馆/贵方/我们/你们/您. */
void note_check_x14(const ws_host_services *host, const ws_value *group, ws_diags *diags);

#endif
