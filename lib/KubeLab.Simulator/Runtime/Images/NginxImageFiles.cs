namespace KubeLab.Simulator.Runtime.Images;

/// <summary>
/// The files of the official nginx image (nginx.org's Debian package, as installed by nginxinc/docker-nginx
/// mainline/debian/Dockerfile): the default site, its two HTML pages and the packaged configuration.
/// </summary>
public static class NginxImageFiles
{
    public const string DefaultVersion = "1.27.5";

    /// <summary>/usr/share/nginx/html/index.html: 615 bytes, the page every "is my pod serving?" check sees.</summary>
    public const string IndexHtml = """
        <!DOCTYPE html>
        <html>
        <head>
        <title>Welcome to nginx!</title>
        <style>
        html { color-scheme: light dark; }
        body { width: 35em; margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif; }
        </style>
        </head>
        <body>
        <h1>Welcome to nginx!</h1>
        <p>If you see this page, the nginx web server is successfully installed and
        working. Further configuration is required.</p>

        <p>For online documentation and support please refer to
        <a href="http://nginx.org/">nginx.org</a>.<br/>
        Commercial support is available at
        <a href="http://nginx.com/">nginx.com</a>.</p>

        <p><em>Thank you for using nginx.</em></p>
        </body>
        </html>

        """;

    /// <summary>/usr/share/nginx/html/50x.html (default.conf's error_page 500 502 503 504).</summary>
    public const string Error50xHtml = """
        <!DOCTYPE html>
        <html>
        <head>
        <title>Error</title>
        <style>
        html { color-scheme: light dark; }
        body { width: 35em; margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif; }
        </style>
        </head>
        <body>
        <h1>An error occurred.</h1>
        <p>Sorry, the page you are looking for is currently unavailable.<br/>
        Please try again later.</p>
        <p>If you are the system administrator of this resource then you should check
        the error log for details.</p>
        <p><em>Faithfully yours, nginx.</em></p>
        </body>
        </html>

        """;

    /// <summary>/etc/nginx/nginx.conf of the package: logs to /var/log/nginx, includes conf.d/*.conf.</summary>
    public const string NginxConf = """

        user  nginx;
        worker_processes  auto;

        error_log  /var/log/nginx/error.log notice;
        pid        /run/nginx.pid;


        events {
            worker_connections  1024;
        }


        http {
            include       /etc/nginx/mime.types;
            default_type  application/octet-stream;

            log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                              '$status $body_bytes_sent "$http_referer" '
                              '"$http_user_agent" "$http_x_forwarded_for"';

            access_log  /var/log/nginx/access.log  main;

            sendfile        on;
            #tcp_nopush     on;

            keepalive_timeout  65;

            #gzip  on;

            include /etc/nginx/conf.d/*.conf;
        }

        """;

    /// <summary>/etc/nginx/conf.d/default.conf as packaged (10-listen-on-ipv6-by-default.sh adds "listen [::]:80;" at start).</summary>
    public const string DefaultConf = """
        server {
            listen       80;
            server_name  localhost;

            #access_log  /var/log/nginx/host.access.log  main;

            location / {
                root   /usr/share/nginx/html;
                index  index.html index.htm;
            }

            #error_page  404              /404.html;

            # redirect server error pages to the static page /50x.html
            #
            error_page   500 502 503 504  /50x.html;
            location = /50x.html {
                root   /usr/share/nginx/html;
            }

            # proxy the PHP scripts to Apache listening on 127.0.0.1:80
            #
            #location ~ \.php$ {
            #    proxy_pass   http://127.0.0.1;
            #}

            # pass the PHP scripts to FastCGI server listening on 127.0.0.1:9000
            #
            #location ~ \.php$ {
            #    root           html;
            #    fastcgi_pass   127.0.0.1:9000;
            #    fastcgi_index  index.php;
            #    fastcgi_param  SCRIPT_FILENAME  /scripts$fastcgi_script_name;
            #    include        fastcgi_params;
            #}

            # deny access to .htaccess files, if Apache's document root
            # concurs with nginx's one
            #
            #location ~ /\.ht {
            #    deny  all;
            #}
        }

        """;

    /// <summary>The part of /etc/nginx/mime.types the modelled server uses to pick Content-Type by extension.</summary>
    public static readonly IReadOnlyDictionary<string, string> MimeTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["html"] = "text/html", ["htm"] = "text/html", ["shtml"] = "text/html", ["css"] = "text/css", ["xml"] = "text/xml",
        ["txt"] = "text/plain", ["js"] = "application/javascript", ["json"] = "application/json", ["gif"] = "image/gif",
        ["jpeg"] = "image/jpeg", ["jpg"] = "image/jpeg", ["png"] = "image/png", ["svg"] = "image/svg+xml", ["ico"] = "image/x-icon",
        ["pdf"] = "application/pdf", ["zip"] = "application/zip", ["gz"] = "application/octet-stream",
    };

    public const string MimeTypesFile = """

        types {
            text/html                                        html htm shtml;
            text/css                                         css;
            text/xml                                         xml;
            image/gif                                        gif;
            image/jpeg                                       jpeg jpg;
            application/javascript                           js;
            text/plain                                       txt;
            image/png                                        png;
            image/svg+xml                                    svg svgz;
            image/x-icon                                     ico;
            application/json                                 json;
            application/pdf                                  pdf;
            application/zip                                  zip;
        }

        """;
}
