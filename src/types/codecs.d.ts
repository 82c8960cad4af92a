/** Minimal declarations for the untyped DICOM codec packages openbmd uses. */
interface WasmFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

/** Emscripten module overrides; print/printErr default to the console (stdout!). */
interface EmscriptenModuleOptions {
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}

interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): WasmFrameInfo;
  delete?(): void;
}

declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: (module?: EmscriptenModuleOptions) => Promise<{ JpegLSDecoder: new () => WasmDecoder }>;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: (module?: EmscriptenModuleOptions) => Promise<{ J2KDecoder: new () => WasmDecoder }>;
  export default factory;
}
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: (module?: EmscriptenModuleOptions) => Promise<{ JPEGDecoder: new () => WasmDecoder }>;
  export default factory;
}
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/wasmjs' {
  const factory: (module?: EmscriptenModuleOptions) => Promise<unknown>;
  export default factory;
}
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    xDim: number;
    yDim: number;
    numComp: number;
    decode(buffer: ArrayBuffer, offset: number, length: number, numBytes: number): Uint8Array | Uint16Array;
  }
}
