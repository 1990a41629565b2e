import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ACTION_NAMES, actionInputs, ComputerAction } from "../../src/desktop/actions";
import { toKeysym } from "../../src/desktop/keys";
import { toolName } from "../../src/desktop/mcp";
import { planTyping, scratchKeycodes, untypable } from "../../src/desktop/typing";
import * as xdotool from "../../src/desktop/xdotool";

describe("key vocabulary (B§4.3: X keysym aliases, nut-js names, case-insensitive fallback)", () => {
  it.each([
    ["Enter", "Return"],
    ["enter", "Return"],
    ["LeftControl", "Control_L"],
    ["ctrl", "Control_L"],
    ["Control", "Control_L"],
    ["shift", "Shift_L"],
    ["RightCmd", "Super_R"],
    ["Meta", "Super_L"],
    ["A", "a"],
    ["z", "z"],
    ["Num7", "7"],
    ["7", "7"],
    ["NumPad3", "KP_3"],
    ["KP_Equal", "KP_Equal"],
    ["F24", "F24"],
    ["PageUp", "Prior"],
    ["Page_Down", "Next"],
    ["Quote", "apostrophe"],
    ["AudioVolUp", "XF86AudioRaiseVolume"],
    ["AudioRandomPlay", "XF86AudioRandomPlay"],
    ["Fn", "XF86Fn"],
    ["+", "plus"],
    ["/", "slash"],
  ])("%s → %s", (name, keysym) => {
    expect(toKeysym(name)).toBe(keysym);
  });

  it.each(["Hyperdrive", "", "constructor", "__proto__", "toString", "Ctrl+C", "é"])("refuses %j", (name) => {
    expect(toKeysym(name)).toBeUndefined();
  });
});

describe("the action schemas are the tool catalogue", () => {
  it("every action has a computer_<action> tool whose input schema converts to JSON Schema", () => {
    expect(ACTION_NAMES).toHaveLength(16);
    for (const name of ACTION_NAMES) {
      expect(toolName(name)).toBe(`computer_${name}`);
      expect(z.toJSONSchema(actionInputs[name], { io: "input" })).toMatchObject({ type: "object" });
    }
  });

  it("parses Bytebot's own example bodies unchanged", () => {
    const bodies = [
      { action: "click_mouse", coordinates: { x: 100, y: 200 }, button: "left", clickCount: 2 },
      {
        action: "drag_mouse",
        path: [
          { x: 1, y: 2 },
          { x: 3, y: 4 },
        ],
        button: "left",
        holdKeys: ["shift"],
      },
      { action: "type_keys", keys: ["ctrl", "c"], delay: 50 },
      { action: "type_text", text: "hello", isSensitive: true },
      { action: "wait", duration: 500 },
      { action: "application", application: "firefox" },
      { action: "screenshot" },
    ];
    for (const body of bodies) expect(ComputerAction.parse(body)).toMatchObject(body);
  });
});

describe("typing plans", () => {
  it("keeps newline and tab, refuses other control characters and lone surrogates, naming the position", () => {
    expect(untypable("a\tb\nc\r\n")).toBeUndefined();
    expect(untypable("ab\u001bc")).toBe(
      "text contains the control character U+001B at position 2: only newline and tab can be typed",
    );
    expect(untypable("x\ud800")).toBe("text contains an unpaired UTF-16 surrogate at position 1");
  });

  it("maps characters missing from the keymap onto scratch keycodes, batch by batch", () => {
    const pke = [
      "keycode   8 =",
      "keycode  38 = a A a A",
      "keycode  93 = U00E9 U0010FFFF U00E9 U0010FFFF",
      "keycode  97 = NoSymbol",
    ].join("\n");
    expect(scratchKeycodes(pke)).toEqual([8, 93, 97]);
    const batches = planTyping("aé日\r\n😀ü", [8, 93]);
    expect(batches).toEqual([
      { mappings: ["keycode 8 = U00E9 U10FFFF", "keycode 93 = U65E5 U10FFFF"], keys: ["U0061", "U00E9", "U65E5", "Return"] },
      { mappings: ["keycode 8 = U1F600 U10FFFF", "keycode 93 = U00FC U10FFFF"], keys: ["U1F600", "U00FC"] },
    ]);
  });
});

describe("xdotool plans", () => {
  it("a chord presses in order, releases in reverse, and names what to release if it fails", () => {
    const plan = xdotool.typeKeys({ action: "type_keys", keys: ["LeftControl", "LeftShift", "T"] });
    expect(plan.args).toEqual(["keydown", "Control_L", "Shift_L", "t", "sleep", "0.100", "keyup", "t", "Shift_L", "Control_L"]);
    expect(xdotool.releaseArgs(plan)).toEqual(["keyup", "t", "Shift_L", "Control_L"]);
  });

  it("a drag holds keys and the button around the motion, and releases both if it fails", () => {
    const plan = xdotool.dragMouse({
      action: "drag_mouse",
      button: "right",
      holdKeys: ["alt"],
      path: [
        { x: 1, y: 2 },
        { x: 3, y: 4 },
      ],
    });
    expect(plan.args).toEqual([
      "mousemove",
      "1",
      "2",
      "keydown",
      "Alt_L",
      "mousedown",
      "3",
      "sleep",
      "0.010",
      "mousemove",
      "3",
      "4",
      "sleep",
      "0.010",
      "mouseup",
      "3",
      "keyup",
      "Alt_L",
    ]);
    expect(xdotool.releaseArgs(plan)).toEqual(["keyup", "Alt_L", "mouseup", "3"]);
  });
});
