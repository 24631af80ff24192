namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// nginx's built-in error pages (src/http/ngx_http_special_response.c): a CRLF-terminated HTML page per status with the
/// "full" tail naming the version (server_tokens on).
/// </summary>
public static class NginxPages
{
    public static string ReasonPhrase(int status) => status switch
    {
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Not Allowed", // nginx's own wording for 405
        500 => "Internal Server Error",
        _ => "Error",
    };

    public static string Page(int status, string version) =>
        "<html>\r\n" +
        $"<head><title>{status} {ReasonPhrase(status)}</title></head>\r\n" +
        "<body>\r\n" +
        $"<center><h1>{status} {ReasonPhrase(status)}</h1></center>\r\n" +
        $"<hr><center>nginx/{version}</center>\r\n" +
        "</body>\r\n" +
        "</html>\r\n";
}
