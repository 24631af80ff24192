using System.Text.Json.Nodes;
using CsCheck;

namespace KubeLab.Simulator.Tests.Fuzz;

/// <summary>
/// Generated pods, Deployments and ConfigMaps with fields of the wrong type, unknown fields and missing parts, POSTed over raw
/// HTTP: every answer is a well-formed object or Status (never a 5xx, never a hang), what was admitted reads back the same,
/// and the server stays healthy. Which inputs are refused is not asserted here (that is validation's business).
/// </summary>
public class ManifestFuzzTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private FuzzHttp Http => new(f.Http);

    [Fact]
    public async Task Generated_manifests_get_well_formed_answers_and_read_back_as_admitted()
    {
        var ns = await f.NewNamespaceAsync("fz");
        await ManifestGen.For("fz").SampleAsync(async sample =>
        {
            var (kind, body) = sample;
            var answer = (await Http.SendAsync(HttpMethod.Post, kind.PathIn(ns), body)).AssertWellFormed();
            if (answer.Status != 201) return;
            var created = answer.Json!;
            var name = (string)created["metadata"]!["name"]!;
            var read = (await Http.SendAsync(HttpMethod.Get, $"{kind.PathIn(ns)}/{name}")).AssertWellFormed();
            // An object naming an owner that does not exist is collected by the garbage collector, possibly already – gone, or
            // held by a finalizer with its deletionTimestamp set.
            if (created["metadata"]?["ownerReferences"] is JsonArray { Count: > 0 } && (read.Status == 404 || read.Json?["metadata"]?["deletionTimestamp"] is not null)) return;
            Assert.True(read.Status == 200, $"{answer.Request} created {name}, but reading it back gave {read.Status}: {read.Text}");
            Admitted.AssertSame(kind, created, read.Json!, answer.Request);
        }, seed: FuzzBudget.Seed, time: FuzzBudget.Seconds, threads: 2);
        await Http.AssertHealthyAsync();
    }

    [Fact]
    public async Task Bodies_nested_deeper_than_any_decoder_allows_are_refused_cleanly()
    {
        var ns = await f.NewNamespaceAsync("fz");
        var gen = Gen.Select(JsonGen.DeeplyNested, Gen.OneOf("application/json", "application/yaml"), Gen.Bool);
        await gen.SampleAsync(async (body, contentType, patch) =>
        {
            var answer = patch
                ? await Http.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/x", body, "application/merge-patch+json")
                : await Http.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", body, contentType);
            answer.AssertWellFormed();
            Assert.True(answer.Status >= 400, $"{answer.Request} → {answer.Status}");
        }, seed: FuzzBudget.Seed, iter: 40, threads: 2);
        await Http.AssertHealthyAsync();
    }
}
