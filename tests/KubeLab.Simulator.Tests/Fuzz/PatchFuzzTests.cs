using CsCheck;

namespace KubeLab.Simulator.Tests.Fuzz;

/// <summary>
/// JSON patch, merge patch, strategic merge patch and apply bodies against a fresh ConfigMap or Deployment: answers are
/// well-formed (never a 5xx, never a hang), a patched object reads back as the PATCH answered it, and the server stays up.
/// </summary>
public class PatchFuzzTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private FuzzHttp Http => new(f.Http);

    [Fact]
    public async Task Generated_patches_get_well_formed_answers_and_read_back_as_admitted()
    {
        var ns = await f.NewNamespaceAsync("fz");
        var counter = 0;
        var gen =
            from kind in Gen.OneOf(FuzzKind.ConfigMap, FuzzKind.Deployment)
            from patch in PatchGen.For(kind, "target")
            from existing in Gen.Int[0, 7].Select(i => i != 0)
            select (kind, patch, existing);
        await gen.SampleAsync(async (kind, patch, existing) =>
        {
            var name = $"target-{Interlocked.Increment(ref counter)}";
            // Apply bodies name the object: point them at this sample's one.
            var body = patch.Body.Replace("\"target\"", $"\"{name}\"", StringComparison.Ordinal);
            if (existing)
            {
                var created = await Http.SendAsync(HttpMethod.Post, kind.PathIn(ns), kind.Valid(name).ToJsonString());
                Assert.True(created.Status == 201, created.Request + " → " + created.Text);
            }
            var answer = (await Http.SendAsync(HttpMethod.Patch, $"{kind.PathIn(ns)}/{name}{patch.Query}", body, patch.ContentType)).AssertWellFormed();
            if (answer.Status is not (200 or 201)) return;
            var read = (await Http.SendAsync(HttpMethod.Get, $"{kind.PathIn(ns)}/{name}")).AssertWellFormed();
            // An object naming an owner that does not exist is collected by the garbage collector, possibly already – gone, or
            // held by a finalizer with its deletionTimestamp set.
            if (answer.Json!["metadata"]?["ownerReferences"] is System.Text.Json.Nodes.JsonArray { Count: > 0 } &&
                (read.Status == 404 || read.Json?["metadata"]?["deletionTimestamp"] is not null)) return;
            Assert.True(read.Status == 200, $"{answer.Request} → {answer.Status}, then reading it back gave {read.Status}: {read.Text}");
            Admitted.AssertSame(kind, answer.Json!, read.Json!, answer.Request);
        }, seed: FuzzBudget.Seed, time: FuzzBudget.Seconds, threads: 2);
        await Http.AssertHealthyAsync();
    }
}
