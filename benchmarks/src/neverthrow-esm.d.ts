// neverthrow ships its ES module build without declarations of its own; its API is the package's.
declare module "neverthrow/dist/index.es.js" {
  export * from "neverthrow";
}
