/**
 * The WASM decoders, loaded and compiled once per process on first use: their modules alone take
 * about 0.25 s to load, which a file with native (uncompressed) pixel data never needs.
 */
export interface WasmCodecs {
  jpegLs: WasmDecoder;
  jpeg2000: WasmDecoder;
  jpegBaseline8: WasmDecoder;
}

let loading: Promise<WasmCodecs> | undefined;

export function loadWasmCodecs(): Promise<WasmCodecs> {
  loading ??= (async () => {
    // The codecs log progress through print(), which Emscripten sends to stdout; that would corrupt
    // `--json` output, and decode failures are thrown anyway.
    const quiet = { print: () => undefined, printErr: () => undefined };
    const [charlsModule, openjpegModule, turboModule] = await Promise.all([
      import('@cornerstonejs/codec-charls/decodewasmjs'),
      import('@cornerstonejs/codec-openjpeg/decodewasmjs'),
      import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs'),
    ]);
    const [charls, openjpeg, turbo] = await Promise.all([charlsModule.default(quiet), openjpegModule.default(quiet), turboModule.default(quiet)]);
    return {
      jpegLs: new charls.JpegLSDecoder(),
      jpeg2000: new openjpeg.J2KDecoder(),
      jpegBaseline8: new turbo.JPEGDecoder(),
    };
  })();
  return loading;
}

/** Runs one WASM decode and copies the result out of WASM memory (the next decode reuses it). */
export function runWasmDecode(decoder: WasmDecoder, encoded: Uint8Array): { info: WasmFrameInfo; decoded: Uint8Array } {
  decoder.getEncodedBuffer(encoded.length).set(encoded);
  decoder.decode();
  const info = decoder.getFrameInfo();
  const decoded = decoder.getDecodedBuffer().slice();
  return { info, decoded };
}
