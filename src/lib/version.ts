/** The Edgebase release this Worker runs (package.json's version), sent as `x-edgebase-version`. */
import pkg from "../../package.json";

/** The package version, e.g. `0.1.0`. */
export const EDGEBASE_VERSION: string = pkg.version;
