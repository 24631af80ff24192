using System.Text.Json.Nodes;
using CsCheck;

namespace KubeLab.Simulator.Tests.Fuzz;

/// <summary>
/// A watcher that replays events from a list's resourceVersion ends with exactly what a fresh list shows (the contract
/// informers rely on), whatever sequence of creates, updates, patches and deletes – valid or not – happened meanwhile.
/// </summary>
public class WatchReplayFuzzTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private FuzzHttp Http => new(f.Http);

    private enum Op { Create, Replace, MergePatch, JsonPatch, Delete }

    private static readonly Gen<(Op Op, int Name, JsonNode? Value)> Step =
        Gen.Select(Gen.Enum<Op>(), Gen.Int[0, 4], JsonGen.Value);

    [Fact]
    public async Task A_replayed_watch_ends_equal_to_a_fresh_list()
    {
        await Step.Array[1, 25].SampleAsync(async steps =>
        {
            var ns = await f.NewNamespaceAsync("fzw");
            var path = $"/api/v1/namespaces/{ns}/configmaps";
            var list = (await Http.SendAsync(HttpMethod.Get, path)).AssertWellFormed().Json!;
            var from = (string)list["metadata"]!["resourceVersion"]!;

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var seen = new Dictionary<string, string>();
            // The list's own items (kube-root-ca.crt, when root-ca-cert-publisher was quicker than the list) are the watch's start.
            foreach (var item in (JsonArray)list["items"]!) seen[(string)item!["metadata"]!["name"]!] = item.ToJsonString();
            var failures = new List<string>();
            var watcher = WatchAsync($"{path}?watch=true&resourceVersion={from}", seen, failures, cts.Token);

            foreach (var (op, n, value) in steps)
            {
                var name = $"cm{n}";
                var data = new JsonObject { ["k"] = value?.ToJsonString() ?? "null" };
                var answer = op switch
                {
                    Op.Create => await Http.SendAsync(HttpMethod.Post, path, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name }, ["data"] = data }.ToJsonString()),
                    Op.Replace => await Http.SendAsync(HttpMethod.Put, $"{path}/{name}", new JsonObject { ["metadata"] = new JsonObject { ["name"] = name }, ["data"] = new JsonObject { ["r"] = value?.DeepClone() } }.ToJsonString()),
                    Op.MergePatch => await Http.SendAsync(HttpMethod.Patch, $"{path}/{name}", new JsonObject { ["data"] = new JsonObject { ["m"] = value?.DeepClone() } }.ToJsonString(), "application/merge-patch+json"),
                    Op.JsonPatch => await Http.SendAsync(HttpMethod.Patch, $"{path}/{name}", new JsonArray(new JsonObject { ["op"] = "add", ["path"] = "/data/j", ["value"] = value?.DeepClone() }).ToJsonString(), "application/json-patch+json"),
                    _ => await Http.SendAsync(HttpMethod.Delete, $"{path}/{name}"),
                };
                answer.AssertWellFormed();
            }

            var fresh = (await Http.SendAsync(HttpMethod.Get, path)).AssertWellFormed().Json!;
            var expected = ((JsonArray)fresh["items"]!).ToDictionary(i => (string)i!["metadata"]!["name"]!, i => i!.ToJsonString());
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (true)
            {
                string? mismatch;
                lock (seen) mismatch = Mismatch(expected, seen);
                lock (failures) if (failures.Count > 0) mismatch = string.Join("; ", failures);
                if (mismatch is null) break;
                Assert.True(DateTime.UtcNow < deadline, $"after {string.Join(", ", steps.Select(s => $"{s.Op} cm{s.Name}"))}: {mismatch}");
                await Task.Delay(20);
            }
            await cts.CancelAsync();
            try { await watcher; } catch (OperationCanceledException) { }
            await Http.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}");
        }, seed: FuzzBudget.Seed, time: FuzzBudget.Seconds, threads: 1);
        await Http.AssertHealthyAsync();
    }

    private static string? Mismatch(Dictionary<string, string> expected, Dictionary<string, string> seen)
    {
        foreach (var (name, json) in expected)
            if (!seen.TryGetValue(name, out var s)) return $"watch never showed {name}";
            else if (s != json) return $"watch shows {name} as {s}, list as {json}";
        foreach (var name in seen.Keys) if (!expected.ContainsKey(name)) return $"watch still has {name}, the list does not";
        return null;
    }

    /// <summary>Applies ADDED/MODIFIED/DELETED events to a name → object map, the way an informer's cache does.</summary>
    private async Task WatchAsync(string url, Dictionary<string, string> seen, List<string> failures, CancellationToken ct)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, url);
        using var resp = await f.Http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new StreamReader(await resp.Content.ReadAsStreamAsync(ct));
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0) continue;
            var ev = JsonNode.Parse(line)!;
            var type = (string?)ev["type"];
            var obj = ev["object"]!;
            var name = (string?)obj["metadata"]?["name"];
            lock (seen)
            {
                switch (type)
                {
                    case "ADDED" or "MODIFIED" when name is not null: seen[name] = obj.ToJsonString(); break;
                    case "DELETED" when name is not null: seen.Remove(name); break;
                    case "BOOKMARK": break;
                    default: lock (failures) failures.Add($"unexpected watch event {line}"); break;
                }
            }
        }
    }
}
