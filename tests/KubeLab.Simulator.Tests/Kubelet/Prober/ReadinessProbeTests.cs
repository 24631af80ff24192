using KubeLab.Simulator.Network;
using static KubeLab.Simulator.Tests.Kubelet.Prober.ProberHarness;

namespace KubeLab.Simulator.Tests.Kubelet.Prober;

/// <summary>Readiness: starts not ready, follows the probe only after threshold results in a row, never restarts.</summary>
public class ReadinessProbeTests
{
    [Fact]
    public async Task Readiness_toggles_after_failureThreshold_failures_and_back_after_successThreshold_successes()
    {
        await using var h = new ProberHarness();
        h.Serve();
        var probes = h.Start(Web(readiness: HttpGet(failure: 3, success: 2, initialDelay: 20)));
        Assert.True(probes.Started);
        Assert.False(probes.Ready); // readiness starts as failure

        // successThreshold 2: ready after the second success, not the first
        await Eventually(() => probes.Ready, "ready");
        Assert.Equal(2, h.Callbacks.Single(c => c.What == "ready").HitsSoFar);

        var before = h.SetStatus(500);
        await Eventually(() => !probes.Ready, "not ready");
        var down = h.Callbacks.Last(c => c.What == "ready");
        Assert.False(down.Value);
        Assert.Equal(before + 3, down.HitsSoFar);
        Assert.Equal(3, h.Reason("Unhealthy").Count(e => e.At <= down.At));
        var unhealthy = h.Reason("Unhealthy").First();
        Assert.Equal(("Warning", "spec.containers{web}", "Readiness probe failed: HTTP probe failed with statuscode: 500"),
            (unhealthy.Type, unhealthy.FieldPath, unhealthy.Message));

        before = h.SetStatus(200);
        await Eventually(() => probes.Ready, "ready again");
        Assert.Equal(before + 2, h.Callbacks.Last().HitsSoFar);
        Assert.Empty(h.Kills); // readiness failures never restart
        Assert.Equal(["ready:True", "ready:False", "ready:True"], h.Callbacks.Select(c => $"{c.What}:{c.Value}"));
    }

    [Fact]
    public async Task First_probe_waits_for_initialDelaySeconds_then_runs_every_period()
    {
        await using var h = new ProberHarness();
        h.Serve();
        var start = h.Clock.GetUtcNow();
        var probes = h.Start(Web(readiness: HttpGet(initialDelay: 30, period: 10)));
        await Eventually(() => h.Requests.Count >= 3, "three probes");
        var at = h.Requests.Take(3).Select(r => (r.At - start).TotalSeconds).ToList();
        Assert.True(at[0] >= 30, $"first probe at {at[0]} s");
        Assert.True(at[1] - at[0] >= 9.5, $"period {at[1] - at[0]} s"); // PeriodicTimer ticks; never earlier than the period
        Assert.True(probes.Ready);
    }

    [Fact]
    public async Task Requests_come_from_the_node_with_kube_probe_headers()
    {
        await using var h = new ProberHarness();
        h.Serve();
        var probe = HttpGet(port: "http");
        probe.HttpGet.HttpHeaders = [new() { Name = "X-Custom", Value = "1" }, new() { Name = "Host", Value = "example.local" }];
        var probes = h.Start(Web(readiness: probe));
        await Eventually(() => probes.Ready, "ready");
        var request = h.Requests.First().Request;
        Assert.Equal(("GET", "/healthz", "example.local", NodeIp), (request.Method, request.PathAndQuery, request.Host, request.RemoteIp));
        Assert.Equal("kube-probe/1.32", request.Headers["User-Agent"]);
        Assert.Equal("*/*", request.Headers["Accept"]);
        Assert.Equal("1", request.Headers["X-Custom"]);
        Assert.False(request.Headers.ContainsKey("Host"));
    }

    [Fact]
    public async Task Connection_refused_is_Gos_url_error()
    {
        await using var h = new ProberHarness();
        var probes = h.Start(Web(readiness: HttpGet(port: 8081)));
        await Eventually(() => h.Reason("Unhealthy").Any(), "an Unhealthy event");
        Assert.Equal("Readiness probe failed: Get \"http://10.244.1.5:8081/healthz\": dial tcp 10.244.1.5:8081: connect: connection refused",
            h.Reason("Unhealthy").First().Message);
        Assert.False(probes.Ready);
    }

    [Fact]
    public async Task A_server_slower_than_timeoutSeconds_is_a_client_timeout()
    {
        await using var h = new ProberHarness();
        h.Serve(handler: async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), h.Clock, ct);
            return HttpResponseMessageModel.Text(200, "late");
        });
        var probes = h.Start(Web(readiness: HttpGet(path: "/slow", timeout: 2)));
        await Eventually(() => h.Reason("Unhealthy").Any(), "an Unhealthy event");
        Assert.Equal("Readiness probe failed: Get \"http://10.244.1.5:8080/slow\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
            h.Reason("Unhealthy").First().Message);
        Assert.False(probes.Ready);
    }

    [Fact]
    public async Task An_unknown_named_port_errors_and_is_not_counted()
    {
        await using var h = new ProberHarness();
        h.Serve();
        var probes = h.Start(Web(liveness: HttpGet(port: "nope", failure: 1)));
        await Eventually(() => h.Reason("Unhealthy").Count() >= 2, "two errors");
        Assert.Equal("Liveness probe errored and resulted in unknown state: strconv.Atoi: parsing \"nope\": invalid syntax",
            h.Reason("Unhealthy").First().Message);
        Assert.Empty(h.Kills);
    }

    [Fact]
    public async Task Same_host_redirects_are_followed_and_other_hosts_give_a_ProbeWarning()
    {
        await using var h = new ProberHarness();
        h.Serve(handler: (request, _) => Task.FromResult(request.Path switch
        {
            "/old" => HttpResponseMessageModel.Text(302, "") with { Headers = new Dictionary<string, string> { ["Location"] = "/healthz" } },
            "/away" => HttpResponseMessageModel.Text(302, "<a href=\"http://example.com/\">Found</a>.")
                with { Headers = new Dictionary<string, string> { ["Location"] = "http://example.com/" } },
            "/healthz" => HttpResponseMessageModel.Text(200, "ok"),
            _ => HttpResponseMessageModel.Text(404, "404 page not found"),
        }));
        var followed = h.Start(Web(readiness: HttpGet(path: "/old")));
        await Eventually(() => followed.Ready, "ready through the redirect");
        Assert.Contains(h.Requests, r => r.Request.Path == "/healthz");
        await followed.DisposeAsync();

        var warned = h.Start(Web(readiness: HttpGet(path: "/away")));
        await Eventually(() => warned.Ready, "ready despite the redirect");
        Assert.Equal("Readiness probe warning: Probe terminated redirects, Response body: <a href=\"http://example.com/\">Found</a>.",
            h.Reason("ProbeWarning").First().Message);
        // A redirect is never a failure; the only failure a starved 2-core machine may add is the 1 s probe timeout.
        Assert.All(h.Reason("Unhealthy"), e => Assert.Contains("Client.Timeout exceeded", e.Message));
    }

    [Fact]
    public async Task Disposing_stops_probing_and_callbacks()
    {
        await using var h = new ProberHarness();
        h.Serve();
        var probes = h.Start(Web(readiness: HttpGet(period: 1)));
        await Eventually(() => h.Hits >= 2, "two probes");
        await probes.DisposeAsync();
        var after = h.Hits;
        h.SetStatus(500);
        await h.Pass(TimeSpan.FromSeconds(10));
        Assert.Equal(after, h.Hits);
        Assert.DoesNotContain(h.Callbacks, c => !c.Value);
    }

    [Fact]
    public async Task A_container_without_probes_is_started_and_ready_at_once()
    {
        await using var h = new ProberHarness();
        var probes = h.Start(Web());
        Assert.True(probes.Started);
        Assert.True(probes.Ready);
    }
}
