namespace KubeLab.Tests.Storage;

/// <summary>The chapter-11 helpers against the simulator: claim/volume tables, phase waits with events, the storage recording.</summary>
public class StorageRecordingTests(SimulatorFixture sim) : IClassFixture<SimulatorFixture>
{
    private const string ClaimAndPod = """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: user}
        spec:
          terminationGracePeriodSeconds: 0
          containers:
          - {name: app, image: busybox:1.36, command: [sleep, "3600"], volumeMounts: [{name: data, mountPath: /data}]}
          volumes:
          - {name: data, persistentVolumeClaim: {claimName: data}}
        """;

    [Fact]
    public async Task A_recording_shows_the_claim_Pending_then_Bound_with_the_events_between()
    {
        await using var lab = await Lab.StartAsync("storage-rec", sim.Options);
        var rec = lab.RecordStorage();
        await lab.ApplyAsync(ClaimAndPod);
        var claim = await lab.WaitForClaimPhaseAsync("data", "Bound");
        await rec.StopAsync();

        Assert.Equal(["Pending", "Bound"], rec.PhasesOf("pvc/data"));
        Assert.Contains("Bound", rec.PhasesOf("pv/" + claim!.Spec.VolumeName));
        var reasons = rec.Events.Where(e => e.Row == "pvc/data").Select(e => e.Reason).ToList();
        Assert.Contains("ExternalProvisioning", reasons);
        Assert.Contains("ProvisioningSucceeded", reasons);
        Assert.True(rec.FirstTime("pvc/data", "Bound") >= rec.FirstTime("pvc/data", "Pending"));
        Assert.Contains("Bound", rec.ToGantt().SpecJson);

        var claims = await lab.ClaimsAsync();
        Assert.Equal(("Bound", "RWO", "standard", "1Gi"), (claims["data"]!.Status, claims["data"]!.AccessModes, claims["data"]!.StorageClass, claims["data"]!.Capacity));
        var volumes = await lab.VolumesAsync();
        var pv = volumes[claim.Spec.VolumeName]!;
        Assert.Equal(($"{lab.Namespace}/data", "Delete"), (pv.Claim, pv.ReclaimPolicy));
        Assert.Equal(claims["data"]!.SelectedNode, pv.Node);
    }

    [Fact]
    public async Task A_wait_that_times_out_says_what_the_claims_events_say()
    {
        await using var lab = await Lab.StartAsync("storage-wait", sim.Options);
        await lab.ApplyAsync("""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: lonely}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
            """);
        var e = await Assert.ThrowsAsync<WaitTimeoutException>(() => lab.WaitForClaimPhaseAsync("lonely", "Bound", TimeSpan.FromSeconds(2)));
        Assert.Contains("WaitForFirstConsumer (persistentvolume-controller): waiting for first consumer to be created before binding", e.Message);
    }
}
