using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Models;
using KubeLab.Simulator.Api.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KubeLab.Simulator.Tests.Api.Server;

/// <summary>
/// The in-process transport's handler against pipelines written for the test: the request as the pipeline sees it, the
/// response as the client sees it, streaming, the client going away, failures and concurrency (the behaviour TestServer had).
/// </summary>
public class InProcessHandlerTests
{
    private static readonly Uri Base = new("https://127.0.0.1:6443/");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static InProcessTransport Transport(RequestDelegate pipeline) => new(new ServiceCollection().BuildServiceProvider(), Base, pipeline);

    private static HttpMessageInvoker Client(InProcessTransport transport, X509Certificate2? certificate = null) => new(transport.HandlerFor(certificate));

    private static HttpRequestMessage Get(string path = "/") => new(HttpMethod.Get, new Uri(Base, path));

    [Fact]
    public async Task A_small_response_reaches_the_client_complete_with_its_status_and_headers()
    {
        var finished = false;
        using var transport = Transport(async ctx =>
        {
            ctx.Response.StatusCode = 201;
            ctx.Response.ContentType = "application/json";
            ctx.Response.Headers["X-Values"] = new Microsoft.Extensions.Primitives.StringValues(["a", "b"]);
            ctx.Response.Headers.CacheControl = "no-cache";
            ctx.Response.BodyWriter.Write("""{"kind":"Status"}"""u8);
            await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted);
            finished = true; // after the flush: the response waits for the pipeline's synchronous run to end
        });
        using var client = Client(transport);
        using var response = await client.SendAsync(Get(), CancellationToken.None);
        Assert.True(finished);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(["a", "b"], response.Headers.GetValues("X-Values"));
        Assert.True(response.Headers.CacheControl!.NoCache);
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.Equal("""{"kind":"Status"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_request_reaches_the_pipeline_as_TestServer_presented_it()
    {
        HttpRequest? seen = null;
        byte[]? body = null;
        using var transport = Transport(async ctx =>
        {
            seen = ctx.Request;
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
            body = buffer.ToArray();
        });
        using var client = Client(transport);
        using var request = new HttpRequestMessage(HttpMethod.Patch,
            "https://127.0.0.1:6443/api/v1/namespaces/default/configmaps/a%20b%2Fc?labelSelector=app%3Dweb%2Ctier%20in%20(x)&fieldManager=kubectl%2Bclient")
        {
            Version = HttpVersion.Version20,
            Content = new StringContent("""{"data":{"k":"é"}}""", Encoding.UTF8, "application/merge-patch+json"),
        };
        request.Headers.TryAddWithoutValidation("User-Agent", "kubectl/v1.33.0 (linux/amd64) kubernetes/abc");
        request.Headers.Add("X-Values", ["a", "b"]);
        request.Headers.Accept.ParseAdd("application/json");
        (await client.SendAsync(request, CancellationToken.None)).Dispose();

        Assert.NotNull(seen);
        Assert.Equal("PATCH", seen.Method);
        Assert.Equal("HTTP/2", seen.Protocol);
        Assert.Equal("https", seen.Scheme);
        Assert.Equal("127.0.0.1:6443", seen.Host.Value);
        Assert.Equal("", seen.PathBase.Value);
        // PathString decodes everything but an encoded slash; the query keeps its encoding until parsed.
        Assert.Equal("/api/v1/namespaces/default/configmaps/a b%2Fc", seen.Path.Value);
        Assert.Equal("?labelSelector=app%3Dweb%2Ctier%20in%20(x)&fieldManager=kubectl%2Bclient", seen.QueryString.Value);
        Assert.Equal("app=web,tier in (x)", seen.Query["labelSelector"]);
        Assert.Equal("kubectl+client", seen.Query["fieldManager"]);
        Assert.Equal("application/merge-patch+json; charset=utf-8", seen.ContentType);
        Assert.Equal(Encoding.UTF8.GetByteCount("""{"data":{"k":"é"}}"""), seen.ContentLength);
        Assert.Equal("kubectl/v1.33.0 (linux/amd64) kubernetes/abc", seen.Headers.UserAgent);
        Assert.Equal(2, seen.Headers["X-Values"].Count);
        Assert.Equal("a,b", seen.Headers["X-Values"].ToString());
        Assert.Equal("application/json", seen.Headers.Accept);
        Assert.Equal("""{"data":{"k":"é"}}""", Encoding.UTF8.GetString(body!));
        Assert.True(seen.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()!.CanHaveBody);
    }

    [Fact]
    public async Task A_request_without_content_has_an_empty_body_and_no_remote_address()
    {
        (long? Length, int Read, bool CanHaveBody, IPAddress? Remote)? seen = null;
        using var transport = Transport(async ctx =>
        {
            var read = await ctx.Request.Body.ReadAsync(new byte[16], ctx.RequestAborted);
            seen = (ctx.Request.ContentLength, read, ctx.Features.Get<IHttpRequestBodyDetectionFeature>()!.CanHaveBody, ctx.Connection.RemoteIpAddress);
        });
        using var client = Client(transport);
        (await client.SendAsync(Get("/healthz"), CancellationToken.None)).Dispose();
        Assert.Equal((null, 0, false, null), seen);
    }

    [Fact]
    public async Task The_client_certificate_is_the_connection_s_and_absent_without_one()
    {
        using var key = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=alice", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var seen = new List<(X509Certificate2? Property, X509Certificate2? Asked)>();
        using var transport = Transport(async ctx =>
        {
            var asked = await ctx.Connection.GetClientCertificateAsync(ctx.RequestAborted);
            lock (seen) seen.Add((ctx.Connection.ClientCertificate, asked));
        });
        using (var client = Client(transport, certificate)) (await client.SendAsync(Get(), CancellationToken.None)).Dispose();
        using (var client = Client(transport)) (await client.SendAsync(Get(), CancellationToken.None)).Dispose();
        Assert.Same(certificate, seen[0].Property);
        Assert.Same(certificate, seen[0].Asked);
        Assert.Equal((null, null), seen[1]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Large_bodies_travel_both_ways(bool oneFlush)
    {
        var payload = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        using var transport = Transport(async ctx =>
        {
            using var received = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(received, ctx.RequestAborted);
            var bytes = received.ToArray();
            if (oneFlush)
            {
                // A large list: all of it written, then one flush that waits for the client to read.
                ctx.Response.BodyWriter.Write(bytes);
                await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted);
            }
            else
                for (var at = 0; at < bytes.Length; at += 100_000)
                    await ctx.Response.Body.WriteAsync(bytes.AsMemory(at, Math.Min(100_000, bytes.Length - at)), ctx.RequestAborted);
        });
        using var client = Client(transport);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Base, "/echo")) { Content = new ByteArrayContent(payload) };
        using var response = await client.SendAsync(request, CancellationToken.None).WaitAsync(Patience);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy).WaitAsync(Patience);
        Assert.Equal(payload, copy.ToArray());
    }

    [Fact]
    public async Task A_streamed_response_reaches_the_client_before_it_ends_and_is_aborted_when_the_client_disposes_it()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var transport = Transport(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("first\n", ctx.RequestAborted);
            await second.Task;
            await ctx.Response.WriteAsync("second\n", ctx.RequestAborted);
            try { await Task.Delay(Timeout.Infinite, ctx.RequestAborted); }
            catch (OperationCanceledException) { aborted.SetResult(); }
        });
        using var client = Client(transport);
        var response = await client.SendAsync(Get("/api/v1/pods?watch=true"), CancellationToken.None).WaitAsync(Patience);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("first", await reader.ReadLineAsync().WaitAsync(Patience));
        second.SetResult();
        Assert.Equal("second", await reader.ReadLineAsync().WaitAsync(Patience));
        Assert.False(aborted.Task.IsCompleted);
        response.Dispose();
        await aborted.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_cancelled_read_ends_with_OperationCanceledException_and_disposing_then_aborts_the_request()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var transport = Transport(async ctx =>
        {
            await ctx.Response.StartAsync(ctx.RequestAborted);
            try { await Task.Delay(Timeout.Infinite, ctx.RequestAborted); }
            catch (OperationCanceledException) { aborted.SetResult(); }
        });
        using var client = Client(transport);
        using var response = await client.SendAsync(Get(), CancellationToken.None).WaitAsync(Patience);
        var stream = await response.Content.ReadAsStreamAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.ReadAsync(new byte[16], cts.Token).AsTask().WaitAsync(Patience));
        await Assert.ThrowsAsync<IOException>(() => stream.ReadAsync(new byte[16]).AsTask());
        Assert.False(aborted.Task.IsCompleted);
        await stream.DisposeAsync();
        await aborted.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task Cancelling_the_send_aborts_the_running_pipeline()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var transport = Transport(async ctx =>
        {
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            try { await Task.Delay(Timeout.Infinite, ctx.RequestAborted); }
            catch (OperationCanceledException) { aborted.SetResult(); }
        });
        using var client = Client(transport);
        using var cts = new CancellationTokenSource();
        using var response = await client.SendAsync(Get(), cts.Token).WaitAsync(Patience);
        await cts.CancelAsync();
        await aborted.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_response_disposed_after_the_pipeline_finished_does_not_abort_it()
    {
        CancellationToken token = default;
        using var transport = Transport(ctx =>
        {
            token = ctx.RequestAborted;
            return ctx.Response.WriteAsync("done");
        });
        using var client = Client(transport);
        var response = await client.SendAsync(Get(), CancellationToken.None);
        Assert.Equal("done", await response.Content.ReadAsStringAsync());
        response.Dispose();
        Assert.True(token.CanBeCanceled);
        Assert.False(token.IsCancellationRequested);
    }

    [Fact]
    public async Task A_KubernetesClient_watch_ends_the_server_s_loop_when_the_informer_cancels_it()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var transport = Transport(async ctx =>
        {
            Assert.Equal("true", ctx.Request.Query["watch"]);
            ctx.Response.ContentType = "application/json";
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            try
            {
                for (var i = 0; ; i++)
                {
                    await ctx.Response.WriteAsync("""{"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cm-""" + i + "\"}}}\n", ctx.RequestAborted);
                    await Task.Delay(20, ctx.RequestAborted);
                }
            }
            catch (OperationCanceledException) { aborted.SetResult(); }
        });
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = Base.ToString() }, transport.HandlerFor(null));
        using var cts = new CancellationTokenSource(Patience);
        var names = new List<string>();
        try
        {
            await foreach (var (type, cm) in client.CoreV1.WatchListNamespacedConfigMapAsync("default", cancellationToken: cts.Token))
            {
                Assert.Equal(WatchEventType.Added, type);
                names.Add(cm.Metadata.Name);
                if (names.Count == 3) await cts.CancelAsync();
            }
        }
        catch (OperationCanceledException) { }
        Assert.Equal(["cm-0", "cm-1", "cm-2"], names.Take(3));
        await aborted.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task An_exception_before_the_response_starts_is_thrown_to_the_client()
    {
        using var transport = Transport(async ctx =>
        {
            if (ctx.Request.Path == "/later") await Task.Yield();
            throw new InvalidOperationException("boom " + ctx.Request.Path);
        });
        using var client = Client(transport);
        Assert.Equal("boom /now", (await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(Get("/now"), CancellationToken.None))).Message);
        Assert.Equal("boom /later", (await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(Get("/later"), CancellationToken.None))).Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_exception_after_the_response_started_fails_the_client_s_reads(bool afterAwait)
    {
        using var transport = Transport(async ctx =>
        {
            await ctx.Response.WriteAsync("partial");
            if (afterAwait) await Task.Yield();
            throw new InvalidOperationException("boom");
        });
        using var client = Client(transport);
        using var response = await client.SendAsync(Get(), CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stream = await response.Content.ReadAsStreamAsync();
        var e = await Assert.ThrowsAsync<IOException>(async () =>
        {
            var buffer = new byte[64];
            while (await stream.ReadAsync(buffer).AsTask().WaitAsync(Patience) > 0) { }
        });
        Assert.Equal("boom", Assert.IsType<InvalidOperationException>(e.InnerException).Message);
    }

    [Fact]
    public async Task Status_and_headers_are_frozen_once_the_response_started_and_the_callbacks_run()
    {
        var events = new List<string>();
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var transport = Transport(async ctx =>
        {
            ctx.Response.OnStarting(() => { events.Add("starting"); ctx.Response.Headers["X-Started"] = "yes"; return Task.CompletedTask; });
            ctx.Response.OnCompleted(() => { completed.SetResult(); return Task.CompletedTask; });
            Assert.False(ctx.Response.HasStarted);
            await ctx.Response.Body.FlushAsync();
            Assert.True(ctx.Response.HasStarted);
            Assert.Throws<InvalidOperationException>(() => ctx.Response.StatusCode = 500);
            Assert.Throws<InvalidOperationException>(() => ctx.Response.Headers["X-Late"] = "no");
            Assert.Throws<InvalidOperationException>(() => ctx.Response.OnStarting(() => Task.CompletedTask));
            events.Add("pipeline done");
        });
        using var client = Client(transport);
        using var response = await client.SendAsync(Get(), CancellationToken.None).WaitAsync(Patience);
        Assert.Equal("yes", response.Headers.GetValues("X-Started").Single());
        Assert.False(response.Headers.Contains("X-Late"));
        Assert.Equal(["starting", "pipeline done"], events);
        await completed.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task Concurrent_requests_each_get_their_own_answer()
    {
        using var transport = Transport(async ctx =>
        {
            using var received = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(received, ctx.RequestAborted);
            await Task.Yield();
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.WriteAsync(ctx.Request.Path.Value + " " + Encoding.UTF8.GetString(received.ToArray()));
        });
        using var client = Client(transport);
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(Base, $"/r/{i}")) { Content = new StringContent(new string('x', i * 100) + i) };
            using var response = await client.SendAsync(request, CancellationToken.None);
            return (i, await response.Content.ReadAsStringAsync());
        })).WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var (i, answer) in answers) Assert.Equal($"/r/{i} {new string('x', i * 100)}{i}", answer);
    }
}
