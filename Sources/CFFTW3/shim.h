#ifndef QMOST_CFFTW3_SHIM_H
#define QMOST_CFFTW3_SHIM_H
#include <fftw3.h>
#endif
