import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Made with openssl in `dir`: a CA (`<ca>.crt`, `<ca>.key`) and, signed by it,
 * a certificate for each name (`<name>.crt`, `<name>.key`); the `server` one is
 * valid for IP 127.0.0.1.
 */
export async function certificates(dir: string, names = ["server", "client"], ca = "ca"): Promise<void> {
  const ossl = (...args: string[]) => run("openssl", args, { cwd: dir });
  await ossl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    `${ca}.key`,
    "-out",
    `${ca}.crt`,
    "-days",
    "1",
    "-subj",
    `/CN=${ca}`,
  );
  await writeFile(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  for (const name of names) {
    await ossl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    );
    await ossl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${ca}.crt`,
      "-CAkey",
      `${ca}.key`,
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "1",
      ...(name.startsWith("server") ? ["-extfile", "san.ext"] : []),
    );
  }
}
