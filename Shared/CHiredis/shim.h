#ifndef BALLAST_CHIREDIS_SHIM_H
#define BALLAST_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#endif
