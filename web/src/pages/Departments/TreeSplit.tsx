import { Flex, Splitter } from 'antd';
import { type ReactNode, useState } from 'react';
import { usePhoneLayout } from '../../components/use-phone-layout';

/** Where the tree pane's width is kept between visits (this browser only). */
const WIDTH_KEY = 'roster.departmentTreeWidth';
const DEFAULT_WIDTH = 280;
const MIN_WIDTH = 200;

function storedWidth(): number {
  try {
    const width = Number(window.localStorage.getItem(WIDTH_KEY));
    return width >= MIN_WIDTH ? width : DEFAULT_WIDTH;
  } catch {
    return DEFAULT_WIDTH;
  }
}

function storeWidth(width: number): void {
  try {
    window.localStorage.setItem(WIDTH_KEY, String(Math.round(width)));
  } catch {
    // Blocked storage only means the default width next time.
  }
}

/**
 * The department tree beside the page's main column, with a splitter between them that widens or narrows the
 * tree (its width is remembered); on a phone the tree sits above.
 */
export function TreeSplit({ tree, children }: { tree: ReactNode; children: ReactNode }) {
  const phone = usePhoneLayout();
  const [width] = useState(storedWidth);
  // A phone has no room for two columns: the tree sits above.
  if (phone) {
    return (
      <Flex vertical gap={16}>
        {tree}
        {children}
      </Flex>
    );
  }
  return (
    <Splitter onResizeEnd={([size]) => size !== undefined && storeWidth(size)}>
      {/* Visible overflow: the panels grow with their content and the window scrolls, so sticky headers work. */}
      <Splitter.Panel
        defaultSize={width}
        min={MIN_WIDTH}
        max="50%"
        style={{ overflow: 'visible', minWidth: 0 }}
      >
        <div style={{ paddingInlineEnd: 8 }}>{tree}</div>
      </Splitter.Panel>
      <Splitter.Panel style={{ overflow: 'visible', minWidth: 0 }}>
        <div style={{ paddingInlineStart: 8 }}>{children}</div>
      </Splitter.Panel>
    </Splitter>
  );
}
