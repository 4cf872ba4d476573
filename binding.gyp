{
  "targets": [
    {
      "target_name": "tsovs_netdev",
      "sources": [
        "native/addon.c",
        "native/port.c",
        "native/link.c",
        "native/netns.c"
      ],
      "cflags": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        ["OS!='linux'", { "type": "none" }]
      ]
    }
  ]
}
