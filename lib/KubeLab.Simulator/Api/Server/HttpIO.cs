using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Api.Server;

/// <summary>Reading request bodies (JSON or YAML) and writing JSON responses.</summary>
public static class HttpIO
{
    public static async Task WriteJson(HttpContext ctx, int status, JsonNode body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        GoJson.SerializeUtf8(body, ctx.Response.BodyWriter);
        await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted);
    }

    public static Task WriteStatus(HttpContext ctx, ApiError error) => WriteJson(ctx, error.Code, error.ToStatus());

    public static string MediaType(HttpContext ctx)
        => (ctx.Request.ContentType ?? "application/json").Split(';')[0].Trim().ToLowerInvariant();

    private static readonly HashSet<string> KnownMediaTypes =
    [
        "application/json", "application/yaml", "text/yaml", "application/x-yaml", "*/*",
        "application/merge-patch+json", "application/strategic-merge-patch+json", "application/json-patch+json", "application/apply-patch+yaml",
    ];

    public static async Task<JsonNode?> ReadBody(HttpContext ctx, bool allowEmpty = false)
    {
        var media = MediaType(ctx);
        // The body as UTF-8 bytes: JSON is parsed from them directly (no UTF-16 copy of every request body).
        using var buffer = new MemoryStream(ctx.Request.ContentLength is > 0 and < int.MaxValue ? (int)ctx.Request.ContentLength.Value : 0);
        await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
        if (media == "application/vnd.kubernetes.protobuf")
        {
            try { return Protobuf.ProtobufDecoder.Decode(buffer.ToArray()); }
            catch (FormatException e) { throw ApiError.BadRequest($"unable to decode the protobuf body: {e.Message}"); }
            catch (NotSupportedException e) { throw new ApiError(415, "UnsupportedMediaType", e.Message); }
        }
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Span.StartsWith(Encoding.UTF8.Preamble)) bytes = bytes[Encoding.UTF8.Preamble.Length..];
        if (IsBlank(bytes.Span))
        {
            if (allowEmpty) return null;
            throw ApiError.BadRequest("the request body is empty; send a JSON or YAML object");
        }
        if (!KnownMediaTypes.Contains(media)) throw ApiError.UnsupportedMediaType(media);
        if (media.Contains("yaml")) return ParseYaml(Encoding.UTF8.GetString(bytes.Span));
        try { return JsonTreeReader.Parse(bytes.Span); }
        catch (JsonException) { }
        // Not valid JSON as bytes: decode as text (invalid UTF-8 becomes U+FFFD, as a text reader does) and try again.
        var text = Encoding.UTF8.GetString(bytes.Span);
        try { return JsonNode.Parse(text); }
        catch (JsonException e)
        {
            // kubectl may send YAML with a JSON content type only by mistake; accept YAML when it is clearly not JSON.
            if (!text.TrimStart().StartsWith('{') && !text.TrimStart().StartsWith('['))
                try { return ParseYaml(text); } catch (ApiError) { }
            throw ApiError.BadRequest($"couldn't get version/kind; json parse error: {e.Message}");
        }
    }

    /// <summary>string.IsNullOrWhiteSpace of the decoded body, decoding only when a non-ASCII byte comes before anything else.</summary>
    private static bool IsBlank(ReadOnlySpan<byte> utf8)
    {
        var first = utf8.IndexOfAnyExcept(" \t\r\n\v\f\u001c\u001d\u001e\u001f"u8);
        if (first < 0) return true;
        return utf8[first] >= 0x80 && string.IsNullOrWhiteSpace(Encoding.UTF8.GetString(utf8));
    }

    private static JsonNode? ParseYaml(string text)
    {
        try { return YamlJson.Parse(text); }
        catch (FormatException e) { throw ApiError.BadRequest(e.Message); }
    }

    public static async Task<JsonObject> ReadObject(HttpContext ctx)
        => await ReadBody(ctx) as JsonObject ?? throw ApiError.BadRequest("the request body must be a JSON object");

    public static string? Query(HttpContext ctx, string name)
        => ctx.Request.Query.TryGetValue(name, out var v) ? v.ToString() : null;

    public static bool DryRun(HttpContext ctx)
    {
        var v = Query(ctx, "dryRun");
        if (v is null or "") return false;
        if (v != "All") throw ApiError.BadRequest($"Invalid dry run value: {v}; only \"All\" is supported");
        return true;
    }
}
