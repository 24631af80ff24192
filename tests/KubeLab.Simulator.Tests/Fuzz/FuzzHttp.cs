using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Tests.Fuzz;

/// <summary>One raw HTTP exchange and what it must always look like, whatever was sent.</summary>
public sealed record FuzzAnswer(string Request, int Status, string? ContentType, string Text)
{
    public JsonObject? Json => TryParse(Text);

    private static JsonObject? TryParse(string text)
    {
        try { return JsonNode.Parse(text) as JsonObject; } catch (JsonException) { return null; }
    }

    /// <summary>
    /// The invariants every answer keeps: never a 5xx; a JSON body is an object with a <c>kind</c> (an error is a
    /// <c>kind: Status</c> whose <c>code</c> is the HTTP status, like apiserver's responsewriters.ErrorNegotiated);
    /// a non-JSON body only where text was asked for (YAML, protobuf). /version and /openapi answer objects without a kind.
    /// </summary>
    public FuzzAnswer AssertWellFormed(bool textAllowed = false, bool kindRequired = true)
    {
        Assert.True(Status < 500, $"{Request} → {Status}: {Text}");
        if (Status == 204) return this;
        if (textAllowed && ContentType is not null && !ContentType.Contains("json", StringComparison.Ordinal)) return this;
        var json = Json;
        Assert.True(json is not null, $"{Request} → {Status} ({ContentType}) is not a JSON object: {Truncate(Text)}");
        Assert.True(!kindRequired || json!["kind"] is JsonValue || Status >= 400, $"{Request} → {Status}: no kind: {Truncate(Text)}");
        if (Status >= 400)
        {
            Assert.True((string?)json!["kind"] == "Status", $"{Request} → {Status} but kind {(string?)json["kind"]}: {Truncate(Text)}");
            Assert.True((int?)json["code"] == Status, $"{Request} → {Status} but Status.code {json["code"]?.ToJsonString()}");
        }
        return this;
    }

    private static string Truncate(string s) => s.Length > 600 ? s[..600] + "…" : s;
}

/// <summary>Sends raw requests with a per-request timeout: a hang fails the test instead of stalling the suite.</summary>
public sealed class FuzzHttp(HttpClient http)
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);

    public async Task<FuzzAnswer> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json", string? accept = null)
    {
        var label = $"{method} {path}" + (body is null ? "" : $" [{contentType}] {(body.Length > 400 ? body[..400] + "…" : body)}");
        using var req = new HttpRequestMessage(method, path);
        if (body is not null) req.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } };
        if (accept is not null) req.Headers.TryAddWithoutValidation("Accept", accept);
        using var cts = new CancellationTokenSource(RequestTimeout);
        try
        {
            using var resp = await http.SendAsync(req, cts.Token);
            var text = await resp.Content.ReadAsStringAsync(cts.Token);
            return new FuzzAnswer(label, (int)resp.StatusCode, resp.Content.Headers.ContentType?.MediaType, text);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"{label}: no answer within {RequestTimeout.TotalSeconds} s");
        }
        catch (HttpRequestException e)
        {
            throw new Xunit.Sdk.XunitException($"{label}: connection failed ({e.Message})");
        }
    }

    /// <summary>The server is still up and healthy.</summary>
    public async Task AssertHealthyAsync()
    {
        var a = await SendAsync(HttpMethod.Get, "/healthz", accept: "text/plain");
        Assert.True(a.Status == 200 && a.Text == "ok", $"/healthz → {a.Status} {a.Text}");
    }
}
