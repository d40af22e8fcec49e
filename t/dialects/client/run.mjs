// Runs piston-client against a server speaking the Piston v2 dialect:
// its runtimes and two executions (Python reading its stdin, C++ with the
// client's default arguments).  Prints one JSON object to stdout:
// {"runtimes": ..., "python": ..., "cpp": ...}, each as the client
// returned it (a failed request as {"success": false, "error": "..."}).
//
//   node run.mjs http://127.0.0.1:PORT

import piston from "piston-client";

const server = process.argv[2];

if (!server) {
    console.error("usage: node run.mjs SERVER_URL");
    process.exit(2);
}

// the client gives a failure as an Error object, which JSON shows as {}
function plain(result) {
    if (result && result.success === false && result.error) {
        return { success: false, error: String(result.error) };
    }
    return result;
}

const client = piston({ server });

const runtimes = plain(await client.runtimes());

const python = plain(await client.execute("python", "print(input())",
                                          { stdin: "hi" }));

const cpp = plain(await client.execute("c++", [
    "#include <iostream>",
    "int main(int argc, char **argv)",
    "{",
    "    for (int i = 1; i < argc; i++)",
    "        std::cout << argv[i] << (i + 1 < argc ? ' ' : '\\n');",
    "    return 0;",
    "}",
    ""
].join("\n")));

process.stdout.write(JSON.stringify({ runtimes, python, cpp }) + "\n");
