using System.Text;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// etcdctl (v3 API) of registry.k8s.io/etcd, the part a course uses to look at what the API server stored:
/// <c>etcdctl [--endpoints …] [--cacert …] [--cert …] [--key …] get KEY [RANGE_END] [--prefix] [--keys-only]
/// [--print-value-only] [--limit N] [-w simple|json]</c> and <c>etcdctl version</c>. Values come from the stored-bytes view
/// (<see cref="StoredObjectView"/>: protobuf, encrypted as the EncryptionConfiguration says). kubeadm's etcd requires client
/// certificates: without <c>--cert</c> and <c>--key</c> the request fails as the real one does after its timeout. The simple format
/// writes the bytes one character per byte (Latin-1): the ASCII parts, such as the <c>k8s:enc:aescbc:v1:key1:</c> prefix and
/// plain text in an unencrypted value, read as they are; <c>-w json</c> carries exact bytes (base64).
/// </summary>
public sealed class EtcdctlProgram(string version, Func<StoredObjectView?> view) : IContainerProgram
{
    private const int ExitError = 1, ExitBadArgs = 128;
    // Fixed identifiers of the single-member cluster (etcd derives them from the member's name and URLs).
    private const ulong ClusterId = 6037020658138557938, MemberId = 15168875803774599630;

    public async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
    {
        var positional = new List<string>();
        bool prefix = false, keysOnly = false, valueOnly = false, hasCert = false, hasKey = false;
        string format = "simple";
        long limit = 0;
        for (var i = 1; i < argv.Count; i++)
        {
            var a = argv[i];
            var (flag, inline) = a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=') ? (a[..a.IndexOf('=')], a[(a.IndexOf('=') + 1)..]) : (a, null);
            string Value() => inline ?? (i + 1 < argv.Count ? argv[++i] : "");
            switch (flag)
            {
                case "--endpoints" or "--cacert" or "--dial-timeout" or "--command-timeout" or "--user" or "--password": Value(); break;
                case "--cert": Value(); hasCert = true; break;
                case "--key": Value(); hasKey = true; break;
                case "--insecure-skip-tls-verify" or "--insecure-transport" or "--debug": break;
                case "--prefix": prefix = true; break;
                case "--keys-only": keysOnly = true; break;
                case "--print-value-only": valueOnly = true; break;
                case "--limit": long.TryParse(Value(), out limit); break;
                case "-w" or "--write-out": format = Value(); break;
                default:
                    if (a.StartsWith('-') && a.Length > 1)
                    {
                        await process.Stderr.WriteAsync($"Error: unknown flag: {flag}\n", kill).ConfigureAwait(false);
                        return ExitBadArgs;
                    }
                    positional.Add(a);
                    break;
            }
        }
        if (positional.Count == 0 || positional[0] is not ("get" or "version"))
        {
            await process.Stderr.WriteAsync(positional.Count == 0
                ? "Error: etcdctl in the simulator knows `get` and `version`\n"
                : $"Error: unknown command \"{positional[0]}\" for \"etcdctl\" (the simulator models `get` and `version`)\n", kill).ConfigureAwait(false);
            return ExitBadArgs;
        }
        if (positional[0] == "version")
        {
            await process.Stdout.WriteAsync($"etcdctl version: {version}\nAPI version: 3.5\n", kill).ConfigureAwait(false);
            return 0;
        }
        if (positional.Count is < 2 or > 3)
        {
            await process.Stderr.WriteAsync("Error: get command needs one argument as key and an optional argument as range_end\n", kill).ConfigureAwait(false);
            return ExitBadArgs;
        }
        if (format is not ("simple" or "json"))
        {
            await process.Stderr.WriteAsync($"Error: the simulator's etcdctl writes \"simple\" and \"json\", not {format}\n", kill).ConfigureAwait(false);
            return ExitBadArgs;
        }
        var store = view();
        if (!hasCert || !hasKey || store is null)
        {
            // kubeadm's etcd has --client-cert-auth=true: a client without a certificate never gets an answer.
            await ProcessSignals.SleepAsync(process, TimeSpan.FromSeconds(5), kill).ConfigureAwait(false);
            await process.Stderr.WriteAsync("Error: context deadline exceeded\n", kill).ConfigureAwait(false);
            return ExitError;
        }

        var key = positional[1];
        IEnumerable<string> keys = positional.Count == 3
            ? store.Keys("/").Where(k => string.CompareOrdinal(k, key) >= 0 && string.CompareOrdinal(k, positional[2]) < 0)
            : prefix ? store.Keys(key) : [key];
        var entries = keys.Select(k => (Key: k, Entry: store.GetEntry(k))).Where(e => e.Entry is not null).ToList();
        if (limit > 0) entries = entries.Take((int)limit).ToList();

        if (format == "json")
        {
            var kvs = new JsonArray();
            foreach (var (k, e) in entries)
            {
                var kv = new JsonObject
                {
                    ["key"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(k)),
                    ["create_revision"] = e!.Value.ModRevision, ["mod_revision"] = e.Value.ModRevision, ["version"] = 1,
                };
                if (!keysOnly) kv["value"] = Convert.ToBase64String(e.Value.Value);
                kvs.Add(kv);
            }
            var doc = new JsonObject
            {
                ["header"] = new JsonObject { ["cluster_id"] = ClusterId, ["member_id"] = MemberId, ["revision"] = store.Revision, ["raft_term"] = 2 },
            };
            if (kvs.Count > 0) doc["kvs"] = kvs;
            doc["count"] = entries.Count;
            await process.Stdout.WriteAsync(doc.ToJsonString() + "\n", kill).ConfigureAwait(false);
            return 0;
        }

        var text = new StringBuilder();
        foreach (var (k, e) in entries)
        {
            if (keysOnly) { text.Append(k).Append("\n\n"); continue; }
            if (!valueOnly) text.Append(k).Append('\n');
            text.Append(Encoding.Latin1.GetString(e!.Value.Value)).Append('\n');
        }
        await process.Stdout.WriteAsync(text.ToString(), kill).ConfigureAwait(false);
        return 0;
    }
}
