#ifndef QMOST_CFITSIO_SHIM_H
#define QMOST_CFITSIO_SHIM_H
// cfitsio's documented fits_* names are macros; Swift calls the ff* functions directly.
// ffopen is itself a macro that adds a library-version check, so wrap it in a function.
#include <fitsio.h>
#include <stdio.h>
#include <stdlib.h>

static inline int qmost_fits_open(fitsfile **fptr, const char *path, int mode, int *status) {
    return fits_open_file(fptr, path, mode, status);
}
static inline int qmost_fits_open_diskfile(fitsfile **fptr, const char *path, int mode, int *status) {
    return fits_open_diskfile(fptr, path, mode, status);
}
static inline int qmost_fits_create(fitsfile **fptr, const char *path, int *status) {
    return fits_create_file(fptr, path, status);
}
static inline int qmost_fits_create_diskfile(fitsfile **fptr, const char *path, int *status) {
    return fits_create_diskfile(fptr, path, status);
}
// cfitsio exports its gzip and Unix-compress decoders but declares them only in the private
// fitsio2.h; declaring them here lets the validator decompress once into a buffer it owns,
// check the stream trailer itself (cfitsio quietly accepts a truncated .gz) and hand the same
// bytes to ffomem.
int uncompress2mem(char *filename, FILE *diskfile, char **buffptr, size_t *buffsize,
                   void *(*mem_realloc)(void *p, size_t newsize), size_t *filesize, int *status);
int zuncompress2mem(char *filename, FILE *diskfile, char **buffptr, size_t *buffsize,
                    void *(*mem_realloc)(void *p, size_t newsize), size_t *filesize, int *status);

// Decompresses a whole .gz (lzw == 0) or .Z (lzw != 0) file into a malloc'd buffer.
// initial_size is the caller's estimate of the output size (cfitsio grows the buffer in
// small steps, so a good estimate avoids many reallocations). On success *buffer must be
// released with qmost_fits_free_buffer; on failure it is NULL.
static inline int qmost_fits_uncompress_file(const char *path, int lzw, size_t initial_size,
                                             char **buffer, size_t *size, int *status) {
    *buffer = NULL;
    *size = 0;
    if (*status > 0) return *status;
    FILE *diskfile = fopen(path, "rb");
    if (!diskfile) {
        ffpmsg("qmost_fits_uncompress_file: cannot open the compressed file");
        return *status = FILE_NOT_OPENED;
    }
    size_t capacity = initial_size < 28800 ? 28800 : initial_size;
    char *out = (char *)malloc(capacity);
    if (!out) {
        fclose(diskfile);
        return *status = MEMORY_ALLOCATION;
    }
    if (lzw) {
        zuncompress2mem((char *)path, diskfile, &out, &capacity, realloc, size, status);
    } else {
        uncompress2mem((char *)path, diskfile, &out, &capacity, realloc, size, status);
    }
    fclose(diskfile);
    if (*status > 0) {
        free(out);
        *size = 0;
        return *status;
    }
    *buffer = out;
    return *status;
}

static inline void qmost_fits_free_buffer(void *buffer) {
    free(buffer);
}
#endif
