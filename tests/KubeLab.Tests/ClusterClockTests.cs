using System.Net;
using k8s;
using KubeLab.Connection;

namespace KubeLab.Tests;

/// <summary>lab.Clock: reads and sets the simulator's clock; a cluster without the clock endpoint is a real 1× clock.</summary>
public sealed class ClusterClockTests(SimulatorFixture sim) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task On_the_simulator_the_clock_can_be_sped_up_and_recordings_are_in_cluster_seconds()
    {
        await using var lab = await Lab.StartAsync("clock", sim.Options);
        Assert.True(lab.Clock.IsSimulated);
        Assert.Equal(1, lab.Clock.Speed);
        Assert.Null(lab.Clock.Note);
        try
        {
            Assert.True(await lab.Clock.SetSpeedAsync(20));
            Assert.Equal(20, lab.Clock.Speed);
            Assert.Equal(20, sim.Cluster.Clock.Speed);
            Assert.Equal("simulated clock 20×", lab.Clock.Note);

            var recorder = lab.StartRecording();
            var spanning = System.Diagnostics.Stopwatch.StartNew();
            var before = await lab.Clock.NowAsync();
            await Task.Delay(500);
            var after = await lab.Clock.NowAsync();
            spanning.Stop();
            // At least 0.5 real seconds at 20×; at most 20 × the real time spanning both reads (a busy machine stretches it).
            Assert.InRange((after - before).TotalSeconds, 9, 20 * spanning.Elapsed.TotalSeconds + 1);
            var timeline = recorder.Stop();
            Assert.Equal("simulated clock 20×", timeline.ClockNote);
            Assert.Equal("seconds since recording started (simulated clock 20×)", timeline.SecondsAxisTitle);
            Assert.True((timeline.End - timeline.Start).TotalSeconds >= 9, "the timeline should span cluster seconds");
            // The local estimate follows the cluster's clock closely.
            Assert.InRange((lab.Clock.GetUtcNow() - sim.Cluster.Clock.GetUtcNow()).TotalSeconds, -2, 2);
        }
        finally
        {
            await lab.Clock.SetSpeedAsync(1);
        }
        Assert.Equal(1, sim.Cluster.Clock.Speed);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => lab.Clock.SetSpeedAsync(0));
    }

    [Fact]
    public async Task A_cluster_without_the_clock_endpoint_is_a_real_1x_clock()
    {
        // A stand-in API server that answers 404 to everything, as kind does for /kubelab/v1/clock.
        var port = KubeconfigFixtures.ClosedPort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await listener.GetContextAsync(); } catch (Exception) { return; }
                ctx.Response.StatusCode = 404;
                ctx.Response.Close();
            }
        });
        using var client = new LabKubernetes(new KubernetesClientConfiguration { Host = $"http://127.0.0.1:{port}" });
        var clock = await ClusterClock.DetectAsync(client, CancellationToken.None);
        Assert.False(clock.IsSimulated);
        Assert.Equal(1, clock.Speed);
        Assert.False(await clock.SetSpeedAsync(20));
        Assert.Equal(1, clock.Speed);
        Assert.InRange((await clock.NowAsync() - DateTimeOffset.UtcNow).TotalSeconds, -1, 1);
        Assert.Equal("real clock (1×)", clock.ToString());
        listener.Stop();
        await serving;
    }
}
